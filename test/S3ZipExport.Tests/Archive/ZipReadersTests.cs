using System.Buffers.Binary;
using System.IO.Compression;
using S3ZipExport.Archive;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Archive;

/// <summary>The reader check must be able to fail: a negative control with the layout of dotnet/runtime#127389.</summary>
public sealed class ZipReadersTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Readers_reject_a_Zip64_data_descriptor_without_a_Zip64_local_header()
    {
        var expected = new ExpectedContent();
        var buffer = new MemoryStream();
        var writer = new ZipStreamWriter(new NonSeekableStream(buffer), CompressionLevel.Optimal, threads: 1);
        foreach (var name in new[] { "a.csv", "b.csv", "c.csv" })
            await writer.WriteEntryAsync(name, DateTimeOffset.UnixEpoch, expected.Track(name, new PatternStream(5000)), CancellationToken.None);
        await writer.FinishAsync(CancellationToken.None);
        var zip = buffer.ToArray();

        // Rewrite every local header the way ZipArchive writes it on non-seekable output: version 2.0, sizes 0,
        // no Zip64 extra (renamed to an unknown id, which readers skip) - but the 24-byte descriptors stay.
        var patched = 0;
        for (var p = 0; p + 30 < zip.Length; p++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(p)) != 0x04034b50) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(p + 4), 20);
            BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(p + 18), 0);
            BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(p + 22), 0);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(p + 26));
            BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(p + 30 + nameLength), 0xCAFE);
            patched++;
        }
        Assert.Equal(3, patched);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ZipReaders.AssertAllAcceptAsync(zip, expected, log));
        log.WriteLine(error.Message);
        Assert.Matches("bsdtar streaming|7z t", error.Message);
    }
}
