namespace S3ZipExport.Settings;

/// <summary>The environment variables the function reads: the settings contract users and the template rely on.</summary>
internal static class SettingNames
{
    public const string SourceUrl = "EXPORT_SOURCE_URL";
    public const string RecordsPath = "EXPORT_RECORDS_PATH";
    public const string Columns = "EXPORT_COLUMNS";
    public const string Bucket = "EXPORT_BUCKET";
    public const string Key = "EXPORT_KEY";
    public const string EntryName = "EXPORT_ENTRY_NAME";
    public const string PartSizeMiB = "EXPORT_PART_SIZE_MIB";
    public const string UploadConcurrency = "EXPORT_UPLOAD_CONCURRENCY";
    public const string CompressionLevel = "EXPORT_COMPRESSION_LEVEL";
    public const string CompressionThreads = "EXPORT_COMPRESSION_THREADS";
    public const string AllowHttp = "EXPORT_ALLOW_HTTP";
    public const string ProgressSeconds = "EXPORT_PROGRESS_SECONDS";

    // CSV format (see Csv/CsvFormat.cs)
    public const string CsvEncoding = "EXPORT_CSV_ENCODING";
    public const string CsvStrictEncoding = "EXPORT_CSV_STRICT_ENCODING";
    public const string CsvDelimiter = "EXPORT_CSV_DELIMITER";
    public const string CsvNewline = "EXPORT_CSV_NEWLINE";
    public const string CsvHeader = "EXPORT_CSV_HEADER";
    public const string CsvFormulaGuard = "EXPORT_CSV_FORMULA_GUARD";

    /// <summary>The AWS SDKs' own convention for a service-specific endpoint; we also switch to path-style then.</summary>
    public const string S3Endpoint = "AWS_ENDPOINT_URL_S3";

    /// <summary>Every EXPORT_* setting, in the order the README lists them.</summary>
    public static readonly IReadOnlyList<string> ExportSettings =
    [
        SourceUrl, RecordsPath, Columns, Bucket, Key, EntryName,
        PartSizeMiB, UploadConcurrency, CompressionLevel, CompressionThreads, AllowHttp, ProgressSeconds,
        // CSV format
        CsvEncoding, CsvStrictEncoding, CsvDelimiter, CsvNewline, CsvHeader, CsvFormulaGuard,
    ];

    public static bool IsKnown(string name) => ExportSettings.Contains(name) || name == S3Endpoint;
}
