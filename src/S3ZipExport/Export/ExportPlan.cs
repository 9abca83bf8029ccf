using S3ZipExport.Archive;
using S3ZipExport.Aws;
using S3ZipExport.Csv;
using S3ZipExport.Records;
using S3ZipExport.Source;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// One export, decided before any byte moves: each stage's options, built once by the settings reader. Each stage
/// gets its own record and nothing else; only the pipeline that wires them (<see cref="ExportJob"/>) sees them all.
/// </summary>
internal sealed record ExportPlan
{
    public required RunOptions Run { get; init; }
    public required SourceOptions Source { get; init; }
    public required RecordOptions Records { get; init; }
    public CsvFormat Csv { get; init; } = CsvFormat.Default;
    public required ArchiveOptions Archive { get; init; }
    public required UploadOptions Upload { get; init; }
    public AwsOptions Aws { get; init; } = new();
    public required MemoryBudget Memory { get; init; }
}

/// <summary>Which run this is and how long it may take.</summary>
internal sealed record RunOptions
{
    /// <summary>The event's id (EventBridge Scheduler's execution id, or a generated one for a manual run).</summary>
    public required string EventId { get; init; }

    /// <summary>The invocation's (scheduled) time, UTC: the key's {time} and the entries' modification time.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The function's timeout; null when not known (local runs), and then there is no deadline.</summary>
    public TimeSpan? Timeout { get; init; }

    public const int DefaultProgressSeconds = 10;

    /// <summary>How often a progress line is logged; zero turns progress lines off.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(DefaultProgressSeconds);

    /// <summary>When the export must stop to leave time for a clean abort; null when no timeout is known.</summary>
    public TimeSpan? StopAfter => Timeout is { } t ? Deadline.StopAfter(t) : null;
}
