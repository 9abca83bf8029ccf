using System.IO.Compression;

namespace S3ZipExport.Archive;

/// <summary>
/// Deflates archive entries at one level and thread count: one continuous stream on one thread
/// (<see cref="StreamingDeflater"/>), or independent chunks on several (<see cref="ParallelDeflater"/>). The buffers
/// are kept from entry to entry, so an export split into many entries allocates them once.
/// </summary>
internal sealed class EntryDeflater
{
    private readonly CompressionLevel _level;
    private readonly int _threads;
    private readonly DeflateBuffers _buffers;

    public EntryDeflater(CompressionLevel level, int threads, int chunkBytes)
    {
        if (!Enum.IsDefined(level)) throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown compression level.");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkBytes, Array.MaxLength);
        _level = level;
        _threads = threads;
        _buffers = new DeflateBuffers(chunkBytes);
    }

    /// <summary>
    /// The most the deflaters hold at once for <paramref name="threads"/> threads: their input chunks, the compressed
    /// chunks waiting to be written in order, and one zlib state per compressor (see each deflater's remarks).
    /// </summary>
    public static long WorstCaseBytes(int threads, int chunkBytes = DeflateBuffers.DefaultChunkBytes) => threads == 1
        ? StreamingDeflater.WorstCaseBytes(chunkBytes)
        : ParallelDeflater.WorstCaseBytes(threads, chunkBytes);

    /// <param name="endsAtCut">
    /// Asked when the input has ended: true when it ended at a cut, and the deflate stream is left open instead of
    /// finished, ending with a sync flush (byte-aligned, no final block) so that a later invocation's deflate output,
    /// appended to it, makes one valid stream; null: the input's end is the entry's.
    /// </param>
    public Task DeflateAsync(EntryInput input, Stream destination, CancellationToken ct, Func<bool>? endsAtCut = null) => _threads == 1
        ? StreamingDeflater.DeflateAsync(input, destination, _level, _buffers, endsAtCut ?? Never, ct)
        : ParallelDeflater.DeflateAsync(input, destination, _level, _threads, _buffers, endsAtCut ?? Never, ct);

    private static bool Never() => false;
}
