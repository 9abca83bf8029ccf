using System.IO.Compression;
using S3ZipExport.Csv;

namespace S3ZipExport.Settings;

/// <summary>Every setting of one export, parsed and validated once. No stage reads environment variables.</summary>
internal sealed record ExportSettings
{
    public required Uri SourceUrl { get; init; }
    /// <summary>Property names leading to the records array; empty when the document itself is the array.</summary>
    public required IReadOnlyList<string> RecordsPath { get; init; }
    public required IReadOnlyList<ColumnSpec> Columns { get; init; }
    public required string Bucket { get; init; }
    /// <summary>The object key, already rendered from the template for this invocation.</summary>
    public required string Key { get; init; }
    public required string EntryName { get; init; }
    public required int PartSizeMiB { get; init; }
    public required int UploadConcurrency { get; init; }
    public required CompressionLevel CompressionLevel { get; init; }
    public required int CompressionThreads { get; init; }
    /// <summary>How often a progress line is logged; zero turns progress lines off.</summary>
    public required TimeSpan ProgressInterval { get; init; }
    /// <summary>S3-compatible endpoint (path-style); null means AWS itself.</summary>
    public Uri? S3Endpoint { get; init; }
    /// <summary>The invocation's time, UTC: the ZIP entry's modification time and the key's {time}.</summary>
    public required DateTimeOffset InvocationTime { get; init; }

    // CSV format
    /// <summary>Encoding, delimiter, newline, header row and formula guard of the CSV.</summary>
    public CsvFormat Csv { get; init; } = CsvFormat.Default;

    public long PartSizeBytes => PartSizeMiB * 1024L * 1024L;
}
