using S3ZipExport.Archive;
using S3ZipExport.Contract;
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

    public const int DefaultMaxInvocations = 96;   // a day of 15-minute invocations

    /// <summary>The state machine's part of the payload: this invocation is one of an export's several; null otherwise.</summary>
    public SliceRequest? Slice { get; init; }

    /// <summary>Key prefix, in the export bucket, of the state kept between invocations (EXPORT_STATE_PREFIX).</summary>
    public string? StatePrefix { get; init; }

    /// <summary>Cut every so often whatever the deadline (EXPORT_SLICE_SECONDS); null cuts only before the deadline.</summary>
    public TimeSpan? SliceEvery { get; init; }

    /// <summary>The most invocations one export may take.</summary>
    public int MaxInvocations { get; init; } = DefaultMaxInvocations;

    /// <summary>When an invocation of several cuts: at the deadline's margin, or sooner when asked to cut every so often.</summary>
    public TimeSpan? CutAfter => (StopAfter, SliceEvery) switch
    {
        ({ } stop, { } every) => stop < every ? stop : every,
        (var stop, var every) => stop ?? every,
    };
}
