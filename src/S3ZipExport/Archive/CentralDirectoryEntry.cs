namespace S3ZipExport.Archive;

/// <summary>
/// What the central directory needs to remember about an entry after its data has gone out.
/// The writer keeps one per entry, so archive state grows with the entry count (name + ~40 bytes each),
/// never with entry size.
/// </summary>
internal readonly record struct CentralDirectoryEntry(
    byte[] Name,
    DosDateTime Modified,
    uint Crc32,
    long CompressedSize,
    long UncompressedSize,
    long LocalHeaderOffset);
