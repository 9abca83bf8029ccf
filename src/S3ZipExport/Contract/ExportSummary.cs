using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace S3ZipExport.Contract;

/// <summary>What the handler returns and logs at the end: where the object is and what went into it.</summary>
internal sealed record ExportSummary(
    string Bucket,
    string Key,
    long Records,
    long SourceBytes,
    long CsvBytes,
    long ZipBytes,
    int Parts,
    double ElapsedSeconds,
    string? Etag,
    /// <summary>CRC-32 of the whole object, base64 of the big-endian value as S3 reports checksums.</summary>
    string? Crc32,
    /// <summary>True when EXPORT_IF_EXISTS=skip found the object already there and did nothing.</summary>
    bool Skipped = false)
{
    /// <summary>CSV data rows written (records less the skipped ones).</summary>
    public long Rows { get; init; }
    /// <summary>CSV files in the archive: more than one when split by rows or by source.</summary>
    public int Files { get; init; }
    /// <summary>Records left out under EXPORT_ON_BAD_RECORD=skip.</summary>
    public long SkippedRecords { get; init; }
    /// <summary>Characters written as '?' because Shift_JIS has no code for them.</summary>
    public long UnencodableCharacters { get; init; }
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
