using System.Text.Json.Serialization;

namespace S3ZipExport.Export;

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
    string Etag);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ExportSummary))]
internal sealed partial class ExportSummaryJson : JsonSerializerContext;
