using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using S3ZipExport.Archive;
using S3ZipExport.Export;
using S3ZipExport.Tests.Fixtures;
using S3ZipExport.Upload;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Archive;

/// <summary>
/// An entry past 4 GiB written over several invocations, as an export of several invocations writes it
/// (Export/ExportStages): each invocation is a new archive writer and a new upload, resumed from the state the previous
/// one left (through the state's JSON) and its unfilled part, into one object in moto. The data is generated on the fly
/// and compresses well at <c>fastest</c>, so the object stays small (tens of MB) while the entry passes 4 GiB. About a
/// minute on 2 cores, mostly the readers inflating 4 GiB each; <c>--filter Category!=Large</c> leaves it out.
/// </summary>
[Collection(LocalS3Collection.Name)]
[Trait("Category", "Large")]
public sealed class Zip64CutTests
{
    private const long FourGiB = 1L << 32;
    private const string Key = "tests/zip64-cut.zip";
    private static readonly DateTimeOffset Modified = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);
    private readonly LocalS3Fixture _s3;
    private readonly ITestOutputHelper _log;

    public Zip64CutTests(LocalS3Fixture s3, ITestOutputHelper log)
    {
        _s3 = s3;
        _log = log;
        s3.Reset();
    }

    /// <summary>What a cut leaves for the next invocation, as the state store keeps it.</summary>
    private sealed record Cut(ArchiveState Archive, UploadState Upload, byte[] Tail);

    [LocalS3Fact]
    public async Task An_entry_past_4GiB_cut_before_and_after_the_4GiB_boundary_is_one_valid_Zip64_entry_in_every_reader()
    {
        var watch = Stopwatch.StartNew();
        var length = FourGiB + (64 << 20) + 12_345;
        const int Chunk = DeflateBuffers.DefaultChunkBytes;
        // Where the big entry is cut: mid-chunk below 4 GiB; at 0xFFFFFFFF bytes, the most a 32-bit size holds; two
        // chunks on, so that invocation's input ends on a chunk boundary (the deflater's other way to end a slice).
        long[] cuts = [(3L << 30) + 777, uint.MaxValue, uint.MaxValue + 2L * Chunk];
        var expected = new ExpectedContent();
        var before = expected.Track("before.csv", new PatternStream(200_000, variety: 10, seed: 2));
        var big = expected.Track("big.csv", new PatternStream(length));
        var bigEntry = expected.Entries[^1];
        var after = expected.Track("after.csv", new PatternStream(300_000, variety: 10, seed: 3));
        var afterEntry = expected.Entries[^1];

        // Invocation 1: a whole entry, then the big one up to the first cut.
        var cut = await InvocationAsync(null, async zip =>
        {
            await zip.WriteEntryAsync("before.csv", Modified, before, CancellationToken.None);
            await zip.WriteEntryAsync("big.csv", Modified, new Window(big, cuts[0]), CancellationToken.None, endsAtCut: () => true);
        });
        // Invocations 2 and 3: more of the big entry, each ending at a cut, the second past 4 GiB.
        for (var i = 1; i < cuts.Length; i++)
        {
            var from = cuts[i - 1];
            var to = cuts[i];
            cut = await InvocationAsync(cut, zip =>
                zip.WriteEntryAsync("", Modified, new Window(big, to - from), CancellationToken.None, continuesOpenEntry: true, endsAtCut: () => true));
            // The open entry's CRC-32 and size cover everything so far, combined across the cuts.
            Assert.Equal((to, bigEntry.Crc32), (cut.Archive.Open!.UncompressedSize, cut.Archive.Open.Crc32));
        }
        // Invocation 4: the big entry to its end; the next entry up to a cut.
        cut = await InvocationAsync(cut, async zip =>
        {
            await zip.WriteEntryAsync("", Modified, big, CancellationToken.None, continuesOpenEntry: true);
            await zip.WriteEntryAsync("after.csv", Modified, new Window(after, 100_000), CancellationToken.None, endsAtCut: () => true);
        });
        // Written whole, the big entry is a record of the state now: its sizes past 4 GiB go through the JSON.
        var written = Assert.Single(cut.Archive.Entries, e => e.Name == "big.csv");
        Assert.Equal((length, bigEntry.Crc32), (written.UncompressedSize, written.Crc32));
        Assert.Equal(100_000, afterEntry.Length);
        // Invocation 5: the rest, the central directory, the object.
        var objectChecksum = await LastInvocationAsync(cut, async zip =>
        {
            await zip.WriteEntryAsync("", Modified, after, CancellationToken.None, continuesOpenEntry: true);
            await zip.FinishAsync(CancellationToken.None);
        });
        _log.WriteLine($"wrote and uploaded in {watch.Elapsed.TotalSeconds:F1} s");

        var zip = await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, Key);
        _log.WriteLine($"{length:N0} bytes of CSV in a {zip.Length:N0}-byte object");
        Assert.Equal(S3Checksums.Of("CRC64NVME", zip), objectChecksum);
        await _s3.AssertNoUploadLeftAsync();

        var path = ZipReaders.TempZipPath();
        try
        {
            await File.WriteAllBytesAsync(path, zip);
            var entries = ZipLayout.ReadCentralDirectory(path);
            Assert.Equal(["before.csv", "big.csv", "after.csv"], entries.Select(e => e.Name));
            Assert.Equal(expected.Entries.Select(e => e.Crc32), entries.Select(e => e.Crc32));
            // The big entry: only its uncompressed size needs Zip64, so its central extra holds that alone (APPNOTE 4.5.3).
            var bigRecord = entries[1];
            Assert.Equal(uint.MaxValue, bigRecord.Uncompressed32);
            Assert.Equal([(ulong)length], bigRecord.Zip64Values);
            Assert.NotEqual(uint.MaxValue, bigRecord.Compressed32);
            Assert.All(new[] { entries[0], entries[2] }, e => Assert.Empty(e.Zip64Values));
            // Its local header, written by invocation 1, says Zip64; its data descriptor, by invocation 4, has the whole entry's CRC and sizes.
            var local = ZipLayout.ReadLocalEntry(path, bigRecord.Offset32, bigRecord.Compressed32);
            Assert.Equal([0UL, 0UL], local.Zip64Values);
            Assert.Equal((bigRecord.Crc32, (ulong)bigRecord.Compressed32, (ulong)length),
                (local.DescriptorCrc32, local.DescriptorCompressed, local.DescriptorUncompressed));

            var ran = await ZipReaders.AssertAllAcceptAsync(path, expected, _log);
            _log.WriteLine($"readers: {string.Join(", ", ran)}; {watch.Elapsed.TotalSeconds:F1} s in all");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>One invocation that ends at a cut: the writer and upload resumed from <paramref name="from"/> (or new), written, suspended.</summary>
    private async Task<Cut> InvocationAsync(Cut? from, Func<ZipStreamWriter, Task> write)
    {
        var (upload, zip) = Open(from);
        await write(zip);
        var archive = zip.Suspend();
        var (state, tail) = await upload.SuspendAsync();
        return new Cut(RoundTrip(archive, ExportStateJson.Default.ArchiveState), RoundTrip(state, ExportStateJson.Default.UploadState), tail.ToArray());
    }

    /// <summary>The invocation that ends the export; returns the object's checksum as the upload reports it.</summary>
    private async Task<string> LastInvocationAsync(Cut from, Func<ZipStreamWriter, Task> write)
    {
        var (upload, zip) = Open(from);
        await write(zip);
        await upload.CompleteAsync(CancellationToken.None);
        return upload.ObjectChecksum!;
    }

    private (ObjectUploadStream Upload, ZipStreamWriter Zip) Open(Cut? from)
    {
        var options = new UploadOptions { Bucket = LocalS3Fixture.Bucket, Key = Key };
        var upload = new ObjectUploadStream(new S3UploadClient(_s3.S3, options), options, CancellationToken.None, from?.Upload, from?.Tail ?? default);
        return (upload, new ZipStreamWriter(upload, CompressionLevel.Fastest, threads: 2, resume: from?.Archive));
    }

    private static T RoundTrip<T>(T value, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, type), type)!;

    /// <summary>The next <paramref name="length"/> bytes of <paramref name="inner"/>: what one invocation reads of a longer entry.</summary>
    private sealed class Window(Stream inner, long length) : ForwardOnlyReadStream
    {
        private long _left = length;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left == 0) return 0;
            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken);
            _left -= read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("The archive writer must read asynchronously.");
    }
}
