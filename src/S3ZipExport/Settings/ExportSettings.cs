using System.IO.Compression;
using S3ZipExport.Source;
using S3ZipExport.Csv;

namespace S3ZipExport.Settings;

/// <summary>Every setting of one export, parsed and validated once. No stage reads environment variables.</summary>
internal sealed record ExportSettings
{
    /// <summary>Every source URL, read in this order into one CSV.</summary>
    public required IReadOnlyList<Uri> SourceUrls { get; init; }
    /// <summary>The first source URL (the one the start line names).</summary>
    public Uri SourceUrl => SourceUrls[0];
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
    public required IfExists IfExists { get; init; }
    public OutputFormat Format { get; init; } = OutputFormat.Zip;
    /// <summary>Data rows per CSV file before the next ZIP entry starts; 0 keeps one file.</summary>
    public long MaxRowsPerFile { get; init; }
    /// <summary>One ZIP entry per source URL instead of one CSV for all.</summary>
    public bool EntryPerSource { get; init; }
    public OnBadRecord OnBadRecord { get; init; } = OnBadRecord.Fail;
    /// <summary>Server-side encryption asked for on the object; null leaves it to the bucket's default encryption.</summary>
    public string? ServerSideEncryption { get; init; }
    public string? SseKmsKeyId { get; init; }
    /// <summary>The function's timeout (EXPORT_TIMEOUT_SECONDS); null when not known.</summary>
    public int? TimeoutSeconds { get; init; }
    /// <summary>When the export must stop to leave time for a clean abort; null when no timeout is known.</summary>
    public TimeSpan? StopAfter => TimeoutSeconds is { } t ? Deadline.StopAfter(TimeSpan.FromSeconds(t)) : null;
    /// <summary>S3-compatible endpoint (path-style); null means AWS itself.</summary>
    public Uri? S3Endpoint { get; init; }
    /// <summary>The invocation's time, UTC: the ZIP entry's modification time and the key's {time}.</summary>
    public required DateTimeOffset InvocationTime { get; init; }

    // CSV format
    /// <summary>Encoding, delimiter, newline, header row and formula guard of the CSV.</summary>
    public CsvFormat Csv { get; init; } = CsvFormat.Default;

    public long PartSizeBytes => PartSizeMiB * 1024L * 1024L;

    // Source: retries, resume and the API key. Defaults here too, so code that builds settings by hand keeps working.
    /// <summary>Requests the source may take in all, first request, retries and resumes together.</summary>
    public int SourceMaxAttempts { get; init; } = 5;
    /// <summary>First retry delay; each further one doubles, with jitter.</summary>
    public TimeSpan SourceRetryBase { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long the source may send nothing (headers or body bytes) before the read counts as failed.</summary>
    public TimeSpan SourceReadTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public SourceApiKey SourceApiKey { get; init; } = SourceApiKey.None;
    /// <summary>SSM-compatible endpoint for the API key parameter; null means AWS itself.</summary>
    public Uri? SsmEndpoint { get; init; }

    // Source: paging, several URLs, JSON Lines and extra headers (Source/RecordProducer). Defaults here too.
    public SourcePaging SourcePaging { get; init; } = SourcePaging.None;
    /// <summary>Query parameter carrying the index of a page's first record (connpass: start, from 1).</summary>
    public string PageStartParam { get; init; } = "start";
    /// <summary>The index of the very first record: 1 for connpass, 0 for offset-style APIs.</summary>
    public int PageStartBase { get; init; } = 1;
    public string PageSizeParam { get; init; } = "count";
    public int PageSize { get; init; } = 100;
    /// <summary>Property names leading to the number of records available; empty: no total, paging stops at an empty page.</summary>
    public IReadOnlyList<string> PageTotalPath { get; init; } = ["results_available"];
    /// <summary>Least time from one source request's answer to the next request, retries and resumes included.</summary>
    public TimeSpan SourceMinInterval { get; init; } = TimeSpan.Zero;
    public SourceFormat SourceFormat { get; init; } = SourceFormat.Json;
    /// <summary>Extra request headers (not secrets), sent to the source URLs' own origins only.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SourceHeaders { get; init; } = [];
}

internal enum OutputFormat { Zip, Gzip }

/// <summary>What a record that is not an object, or whose value a column formatter cannot take, does to the export.</summary>
internal enum OnBadRecord { Fail, Skip }

/// <summary>What to do when the key already holds an object (a rerun of the same scheduled time).</summary>
internal enum IfExists { Overwrite, Skip, Fail }

/// <summary>How a source URL is split into requests: one document, or pages by a first-record index and a count.</summary>
internal enum SourcePaging { None, Offset }

/// <summary>The body's format: one JSON document holding the records array, or JSON Lines (one record per line).</summary>
internal enum SourceFormat { Json, Ndjson }
