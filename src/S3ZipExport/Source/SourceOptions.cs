namespace S3ZipExport.Source;

/// <summary>
/// How the source is read: which URLs, in what format, paged or not, how fast, how persistently, and with which key.
/// Built once by the settings reader; the defaults here are the settings' defaults (the README's table says the same
/// and a test keeps the two equal).
/// </summary>
internal sealed record SourceOptions
{
    /// <summary>Every source URL, read in this order into one CSV.</summary>
    public required IReadOnlyList<Uri> Urls { get; init; }

    public SourceFormat Format { get; init; } = SourceFormat.Json;

    /// <summary>Offset paging of every URL; null reads each URL as one document.</summary>
    public OffsetPaging? Paging { get; init; }

    /// <summary>
    /// Least time from one answer to the next request, retries and resumes included. Zero by default, and
    /// <see cref="OffsetPaging.DefaultMinInterval"/> when paging.
    /// </summary>
    public TimeSpan MinInterval { get; init; }

    /// <summary>Requests one document may take in all: the first, its retries and its resumes.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>First retry delay; each further one doubles, with jitter. Also the least wait after a 429.</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the source may send nothing (headers or body bytes) before the read counts as failed.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public SourceApiKey ApiKey { get; init; } = SourceApiKey.None;

    /// <summary>Extra request headers (not secrets), sent to the source URLs' own origins only.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Several documents: errors then say which one.</summary>
    public bool HasSeveralDocuments => Urls.Count > 1 || Paging is not null;

    public static SourceOptions Defaults { get; } = new() { Urls = [] };
}

/// <summary>
/// Offset paging, the Connpass API v2 shape: a page's first record index and the page size are query parameters,
/// and each page says how many records there are in all.
/// </summary>
internal sealed record OffsetPaging
{
    /// <summary>connpass allows one request a second per key and answers 429 beyond it.</summary>
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromSeconds(1);

    /// <summary>Query parameter carrying the index of a page's first record.</summary>
    public string StartParam { get; init; } = "start";

    /// <summary>The index of the very first record: 1 for connpass, 0 for offset-style APIs.</summary>
    public int StartBase { get; init; } = 1;

    public string SizeParam { get; init; } = "count";

    /// <summary>Records per page (connpass allows at most 100).</summary>
    public int Size { get; init; } = 100;

    /// <summary>Property names leading to the number of records available; empty: paging stops at an empty page.</summary>
    public IReadOnlyList<string> TotalPath { get; init; } = ["results_available"];

    public static OffsetPaging Defaults { get; } = new();
}

/// <summary>The body's format: one JSON document holding the records array, or JSON Lines (one record per line).</summary>
internal enum SourceFormat { Json, Ndjson }
