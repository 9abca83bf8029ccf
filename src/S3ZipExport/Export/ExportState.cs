using System.Text.Json.Serialization;
using S3ZipExport.Archive;
using S3ZipExport.Records;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// An export of several invocations, saved at a cut: each stage's own state (where the source stands, the CSV file
/// and archive entry left open, the upload) and the counters the summary reports for the whole export. It lives in S3
/// beside the unfilled part's bytes (<see cref="StateStore"/>), written only after every full part before it is
/// acknowledged, so resuming from it, once or twice, gives the same object.
/// </summary>
internal sealed record ExportState
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    /// <summary>The settings that shape the object's bytes, hashed: an invocation with other settings may not resume it.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Invocations so far, the one that saved this state included.</summary>
    public required int Invocations { get; init; }

    /// <summary>The invocations' own time, added up.</summary>
    public double ElapsedSeconds { get; init; }

    public required SourceCursor Source { get; init; }

    /// <summary>When the source last answered, so the next invocation keeps the interval between requests.</summary>
    public DateTimeOffset? LastAnswered { get; init; }

    public required ArchiveState Archive { get; init; }

    public required UploadState Upload { get; init; }

    /// <summary>The object holding the upload's unfilled part (<see cref="UploadState.TailLength"/> bytes); null when empty.</summary>
    public string? TailKey { get; init; }

    /// <summary>CSV files started so far: the open one's number.</summary>
    public int Files { get; init; }

    /// <summary>Data rows in the open CSV file.</summary>
    public long RowsInFile { get; init; }

    /// <summary>The export's counts so far, the invocation that saved this state included.</summary>
    public required ExportCounts Counts { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(ExportState))]
internal sealed partial class ExportStateJson : JsonSerializerContext;
