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

    public Task DeflateAsync(EntryInput input, Stream destination, CancellationToken ct) => _threads == 1
        ? StreamingDeflater.DeflateAsync(input, destination, _level, _buffers, ct)
        : ParallelDeflater.DeflateAsync(input, destination, _level, _threads, _buffers, ct);
}
