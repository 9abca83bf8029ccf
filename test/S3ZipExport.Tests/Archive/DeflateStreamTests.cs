using System.IO.Compression;
using S3ZipExport.Archive;

namespace S3ZipExport.Tests.Archive;

/// <summary>
/// The behaviours of .NET's DeflateStream (zlib-ng) that ParallelDeflater relies on. If a runtime update
/// changes one of them, these fail before any archive goes wrong.
/// </summary>
public sealed class DeflateStreamTests
{
    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    [InlineData(CompressionLevel.NoCompression)]
    public void DeflateStream_Flush_is_a_sync_flush(CompressionLevel level)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, level, leaveOpen: true))
        {
            deflate.Write("id,name\n1,山田太郎\n"u8);
            deflate.Flush();
            // Z_SYNC_FLUSH ends with an empty stored block: LEN 0000, NLEN FFFF, byte-aligned (RFC 1951 3.2.4).
            Assert.Equal([0x00, 0x00, 0xFF, 0xFF], output.ToArray()[^4..]);
        }
    }

    [Fact]
    public void Sync_flushed_chunks_concatenated_inflate_as_one_stream()
    {
        var first = "first chunk, first chunk\n"u8.ToArray();
        var second = "second chunk 二番目\n"u8.ToArray();
        var stream = new MemoryStream();
        foreach (var (chunk, isFinal) in new[] { (first, false), (second, true) })
        {
            var compressed = new MemoryStream();
            using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                deflate.Write(chunk);
                if (!isFinal) deflate.Flush();
                var flushed = compressed.Length;
                deflate.Dispose();
                stream.Write(compressed.ToArray(), 0, (int)(isFinal ? compressed.Length : flushed));
            }
        }
        Assert.Equal([.. first, .. second], Inflate(stream.ToArray()));
    }

    [Fact]
    public void An_unused_DeflateStream_writes_nothing_so_empty_entries_need_the_final_empty_block()
    {
        var output = new MemoryStream();
        new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true).Dispose();
        Assert.Equal(0, output.Length);
        Assert.Empty(Inflate(DeflateBlocks.FinalEmptyBlock.ToArray()));
    }

    [Fact]
    public void Final_empty_block_closes_a_sync_flushed_stream()
    {
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write("abc"u8);
            deflate.Flush();
        }
        var flushedOnly = compressed.ToArray()[..^2]; // drop what Dispose appended
        Assert.Equal("abc"u8.ToArray(), Inflate([.. flushedOnly, .. DeflateBlocks.FinalEmptyBlock.ToArray()]));
    }

    private static byte[] Inflate(byte[] deflated)
    {
        using var inflate = new DeflateStream(new MemoryStream(deflated), CompressionMode.Decompress);
        var result = new MemoryStream();
        inflate.CopyTo(result);
        return result.ToArray();
    }
}
