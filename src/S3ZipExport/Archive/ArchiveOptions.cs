using System.IO.Compression;

namespace S3ZipExport.Archive;

/// <summary>The container the CSV goes into: its format, compression, and the names of the files inside.</summary>
internal sealed record ArchiveOptions
{
    public ArchiveFormat Format { get; init; } = ArchiveFormat.Zip;

    public CompressionLevel Level { get; init; } = CompressionLevel.Optimal;

    /// <summary>Deflate threads; the settings reader's default follows the CPU the function is given (Runtime/CpuShare).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The CSV's name inside the ZIP (and in the gzip header); numbered when the CSV is split.</summary>
    public string EntryName { get; init; } = "events.csv";

    /// <summary>Data rows per CSV file before the next entry starts; 0 keeps one file.</summary>
    public long MaxRowsPerFile { get; init; }

    /// <summary>One ZIP entry per source URL instead of one CSV for all.</summary>
    public bool EntryPerSource { get; init; }

    /// <summary>The entries' modification time: the invocation's (scheduled) time.</summary>
    public DateTimeOffset Modified { get; init; }

    /// <summary>Whether the CSV goes into numbered files (events-0001.csv, ...) rather than one.</summary>
    public bool IsSplit => MaxRowsPerFile > 0 || EntryPerSource;

    public string ContentType => Format == ArchiveFormat.Gzip ? "application/gzip" : "application/zip";
}

internal enum ArchiveFormat { Zip, Gzip }
