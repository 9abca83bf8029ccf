namespace S3ZipExport.Archive;

/// <summary>What was written for one entry: the figures a reader will find in the central directory.</summary>
internal readonly record struct ZipEntryInfo(string Name, long UncompressedSize, long CompressedSize, uint Crc32);
