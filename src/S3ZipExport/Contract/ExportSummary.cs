using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace S3ZipExport.Contract;

/// <summary>What the handler returns and logs at the end: where the object is and what went into it.</summary>
internal sealed record ExportSummary
{
    public required string Bucket { get; init; }
    public required string Key { get; init; }
    /// <summary>Records read from the source, the skipped ones included.</summary>
    public long Records { get; init; }
    /// <summary>CSV data rows written (records less the skipped ones).</summary>
    public long Rows { get; init; }
    /// <summary>Records left out under EXPORT_ON_BAD_RECORD=skip.</summary>
    public long SkippedRecords { get; init; }
    /// <summary>CSV files in the archive: more than one when split by rows or by source.</summary>
    public int Files { get; init; }
    /// <summary>Source bytes read, after content decoding.</summary>
    public long SourceBytes { get; init; }
    public long CsvBytes { get; init; }
    public long ZipBytes { get; init; }
    /// <summary>Parts S3 acknowledged; 1 for an object small enough to go up in a single PutObject.</summary>
    public int Parts { get; init; }
    public double ElapsedSeconds { get; init; }
    public string? Etag { get; init; }
    /// <summary>The whole object's checksum algorithm as S3 names it: CRC64NVME or CRC32 (EXPORT_CHECKSUM).</summary>
    public string? ChecksumAlgorithm { get; init; }
    /// <summary>The whole object's checksum, base64 of the big-endian value as S3 reports checksums.</summary>
    public string? Checksum { get; init; }
    /// <summary>Characters written as '?' because Shift_JIS has no code for them.</summary>
    public long UnencodableCharacters { get; init; }
    /// <summary>True when EXPORT_IF_EXISTS=skip found the object already there and did nothing.</summary>
    public bool Skipped { get; init; }

    /// <summary>How many invocations the export took: 1, unless the state machine continued it across several.</summary>
    public int Invocations { get; init; } = 1;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ExportSummary))]
internal sealed partial class ExportSummaryJson : JsonSerializerContext
{
    /// <summary>Relaxed escaping: the ETag's quotes and any Japanese in the key read as themselves.</summary>
    public static ExportSummaryJson Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
