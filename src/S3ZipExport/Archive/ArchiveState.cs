namespace S3ZipExport.Archive;

/// <summary>
/// Where a ZIP or gzip writer stands at a cut, for the next invocation to write on: how many container bytes are
/// written (the offset the next byte has, which local header offsets count from), the ZIP entries written whole (what
/// the central directory lists at the end), and the entry whose data the cut left open. Saved with the export's state.
/// </summary>
internal sealed record ArchiveState
{
    public long BytesWritten { get; init; }
    public IReadOnlyList<WrittenEntry> Entries { get; init; } = [];
    public OpenEntry? Open { get; init; }
}

/// <summary>A ZIP entry written whole: its central directory record.</summary>
internal sealed record WrittenEntry(string Name, ushort DosTime, ushort DosDate, uint Crc32, long CompressedSize, long UncompressedSize, long LocalHeaderOffset);

/// <summary>
/// The entry (or gzip member) a cut left open: its header is written and its deflate stream ends with a sync flush.
/// <see cref="Crc32"/> and <see cref="UncompressedSize"/> cover the data so far; the compressed size is the container
/// bytes from <see cref="DataStart"/> on.
/// </summary>
internal sealed record OpenEntry(string Name, ushort DosTime, ushort DosDate, long LocalHeaderOffset, long DataStart, uint Crc32, long UncompressedSize);
