using S3ZipExport.Pipeline;
namespace S3ZipExport.Archive;

/// <summary>
/// The buffers one archive's deflaters reuse from entry to entry: input chunks of <see cref="ChunkBytes"/>, and the
/// 64 KiB segments that hold a chunk's compressed bytes (parallel compression only). The deflaters bound how many are
/// in use at once (2 per compression thread), so that is how many are ever allocated.
/// </summary>
internal sealed class DeflateBuffers
{
    public const int SegmentBytes = 64 * 1024;

    /// <summary>The input chunk: what one parallel compressor deflates on its own, and the unit the deflaters read in.</summary>
    public const int DefaultChunkBytes = 1 << 20;

    /// <summary>
    /// An upper bound on one compressor's native zlib(-ng) state at any level: zlib documents
    /// (1 &lt;&lt; (windowBits + 2)) + (1 &lt;&lt; (memLevel + 9)) = 256 KiB for the defaults, and zlib-ng adds its
    /// window padding and pending buffers to that.
    /// </summary>
    public const int ZlibStateBytes = 512 * 1024;

    public DeflateBuffers(int chunkBytes)
    {
        ChunkBytes = chunkBytes;
        Chunks = new ReusePool<byte[]>(() => GC.AllocateUninitializedArray<byte>(chunkBytes));
    }

    public int ChunkBytes { get; }

    public ReusePool<byte[]> Chunks { get; }

    public ReusePool<byte[]> Segments { get; } = new(() => GC.AllocateUninitializedArray<byte>(SegmentBytes));
}
