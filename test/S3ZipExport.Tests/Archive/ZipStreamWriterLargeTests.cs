using System.IO.Compression;
using S3ZipExport.Archive;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Archive;

/// <summary>
/// Archives past the 4 GiB limits of classic ZIP, checked by every reader. The data is generated on the fly and
/// the archive goes to /dev/shm and is deleted afterwards. Each test takes ~30-60 s on 2 cores; they run in the
/// default test run, and <c>--filter Category!=Large</c> leaves them out.
/// </summary>
[Trait("Category", "Large")]
public sealed class ZipStreamWriterLargeTests(ITestOutputHelper log)
{
    private const long FourGiB = 1L << 32;
    private static readonly DateTimeOffset Modified = new(2024, 5, 6, 7, 8, 10, TimeSpan.Zero);

    [Fact]
    public async Task Entry_above_4GiB_is_readable_by_every_reader()
    {
        // Uncompressed size needs Zip64, the compressed size does not: the central directory's Zip64 extra then
        // carries the uncompressed size alone (APPNOTE 4.5.3), the case readers most often get wrong.
        var length = FourGiB + (64 << 20) + 12_345;
        var path = ZipReaders.TempZipPath();
        try
        {
            var expected = new ExpectedContent();
            await WriteAsync(path, CompressionLevel.Fastest, expected,
                ("big.csv", new PatternStream(length)),
                ("after.csv", new PatternStream(1000, variety: 10)));

            var entries = ZipLayout.ReadCentralDirectory(path);
            Assert.Equal(uint.MaxValue, entries[0].Uncompressed32);
            Assert.NotEqual(uint.MaxValue, entries[0].Compressed32);
            Assert.Equal([(ulong)length], entries[0].Zip64Values);
            Assert.Empty(entries[1].Zip64Values);

            var ran = await ZipReaders.AssertAllAcceptAsync(path, expected, log);
            log.WriteLine("readers: " + string.Join(", ", ran));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Archive_above_4GiB_is_readable_by_every_reader()
    {
        // NoCompression makes the archive itself pass 4 GiB: compressed size, the next entry's local header
        // offset and the central directory offset all need Zip64, so the Zip64 end record and locator appear.
        var length = FourGiB + (32 << 20);
        var path = ZipReaders.TempZipPath();
        try
        {
            var expected = new ExpectedContent();
            await WriteAsync(path, CompressionLevel.NoCompression, expected,
                ("big.csv", new PatternStream(length)),
                ("after.csv", new PatternStream(1000, variety: 10)));

            Assert.True(new FileInfo(path).Length > FourGiB);
            var entries = ZipLayout.ReadCentralDirectory(path);
            Assert.Equal(2, entries[0].Zip64Values.Length);                  // uncompressed, compressed
            Assert.Equal((ulong)length, entries[0].Zip64Values[0]);
            Assert.True(entries[0].Zip64Values[1] > (ulong)length);          // stored blocks add overhead
            Assert.Single(entries[1].Zip64Values);                           // local header offset only
            Assert.True(entries[1].Zip64Values[0] > FourGiB);

            var ran = await ZipReaders.AssertAllAcceptAsync(path, expected, log);
            log.WriteLine("readers: " + string.Join(", ", ran));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task WriteAsync(string path, CompressionLevel level, ExpectedContent expected, params (string Name, Stream Source)[] entries)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        var writer = new ZipStreamWriter(new NonSeekableStream(file), level, threads: 2);
        foreach (var (name, source) in entries)
            await writer.WriteEntryAsync(name, Modified, expected.Track(name, source), CancellationToken.None);
        await writer.FinishAsync(CancellationToken.None);
        log.WriteLine($"wrote {writer.UncompressedBytes:N0} bytes into a {writer.BytesWritten:N0}-byte archive in {watch.Elapsed.TotalSeconds:F1} s");
    }
}
