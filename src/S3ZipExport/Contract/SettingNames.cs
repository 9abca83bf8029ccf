namespace S3ZipExport.Contract;

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
    /// <summary>Threads that make rows of the records (extract, format, write CSV); above 1 the reader only finds records.</summary>
    public const string ParseThreads = "EXPORT_PARSE_THREADS";
    public const string AllowHttp = "EXPORT_ALLOW_HTTP";
    public const string ProgressSeconds = "EXPORT_PROGRESS_SECONDS";
    public const string IfExists = "EXPORT_IF_EXISTS";
    public const string ServerSideEncryption = "EXPORT_SSE";
    public const string SseKmsKeyId = "EXPORT_SSE_KMS_KEY_ID";
    public const string TimeoutSeconds = "EXPORT_TIMEOUT_SECONDS";
    public const string Format = "EXPORT_FORMAT";
    public const string MaxRowsPerFile = "EXPORT_MAX_ROWS_PER_FILE";
    public const string EntryPerSource = "EXPORT_ENTRY_PER_SOURCE";
    public const string OnBadRecord = "EXPORT_ON_BAD_RECORD";
    public const string Checksum = "EXPORT_CHECKSUM";
    /// <summary>Key prefix, in the export bucket, of the state an export of several invocations keeps between them.</summary>
    public const string StatePrefix = "EXPORT_STATE_PREFIX";
    /// <summary>Cut an export of several invocations every so many seconds, whatever the deadline (tests, local runs).</summary>
    public const string SliceSeconds = "EXPORT_SLICE_SECONDS";
    /// <summary>The most invocations one export may take: a runaway guard.</summary>
    public const string MaxInvocations = "EXPORT_MAX_INVOCATIONS";

    /// <summary>Set by the Lambda runtime: the function's memory in MB, which the buffers must fit.</summary>
    public const string LambdaMemorySize = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";

    // Source: retries, resume and the API key.
    public const string SourceMaxAttempts = "EXPORT_SOURCE_MAX_ATTEMPTS";
    public const string SourceRetryBaseMs = "EXPORT_SOURCE_RETRY_BASE_MS";
    public const string SourceReadTimeoutSeconds = "EXPORT_SOURCE_READ_TIMEOUT_SECONDS";
    public const string SourceApiKeyParameter = "EXPORT_SOURCE_API_KEY_PARAMETER";
    public const string SourceApiKeyHeader = "EXPORT_SOURCE_API_KEY_HEADER";
    /// <summary>The key itself, for local runs only: in production it belongs in SSM (<see cref="SourceApiKeyParameter"/>).</summary>
    public const string SourceApiKey = "EXPORT_SOURCE_API_KEY";

    // CSV format (see Csv/CsvFormat.cs)
    public const string CsvEncoding = "EXPORT_CSV_ENCODING";
    public const string CsvStrictEncoding = "EXPORT_CSV_STRICT_ENCODING";
    public const string CsvDelimiter = "EXPORT_CSV_DELIMITER";
    public const string CsvNewline = "EXPORT_CSV_NEWLINE";
    public const string CsvHeader = "EXPORT_CSV_HEADER";
    public const string CsvFormulaGuard = "EXPORT_CSV_FORMULA_GUARD";
    // Source: paging, several URLs, JSON Lines and extra headers (Records/RecordProducer).
    public const string SourcePaging = "EXPORT_SOURCE_PAGING";
    public const string PageStartParam = "EXPORT_PAGE_START_PARAM";
    public const string PageStartBase = "EXPORT_PAGE_START_BASE";
    public const string PageSizeParam = "EXPORT_PAGE_SIZE_PARAM";
    public const string PageSize = "EXPORT_PAGE_SIZE";
    public const string PageTotalPath = "EXPORT_PAGE_TOTAL_PATH";
    public const string SourceMinIntervalMs = "EXPORT_SOURCE_MIN_INTERVAL_MS";
    public const string SourceFormat = "EXPORT_SOURCE_FORMAT";
    /// <summary>Extra request headers, <c>Name: value</c> per line. Not for secrets: the API key has its own settings.</summary>
    public const string SourceHeaders = "EXPORT_SOURCE_HEADERS";
    /// <summary>Origins a manual payload's EXPORT_SOURCE_URL may name besides the deployed ones (see SourceOrigins).</summary>
    public const string SourceAllowedOrigins = "EXPORT_SOURCE_ALLOWED_ORIGINS";

    /// <summary>The AWS SDKs' own convention for a service-specific endpoint; we also switch to path-style then.</summary>
    public const string S3Endpoint = "AWS_ENDPOINT_URL_S3";

    /// <summary>The same convention for SSM Parameter Store, where the source's API key is read.</summary>
    public const string SsmEndpoint = "AWS_ENDPOINT_URL_SSM";

    /// <summary>Every EXPORT_* setting, in the order the README lists them.</summary>
    public static readonly IReadOnlyList<string> ExportSettings =
    [
        SourceUrl, RecordsPath, Columns, Bucket, Key, EntryName,
        PartSizeMiB, UploadConcurrency, CompressionLevel, CompressionThreads, ParseThreads, AllowHttp, ProgressSeconds,
        IfExists, ServerSideEncryption, SseKmsKeyId, TimeoutSeconds,
        Format, MaxRowsPerFile, EntryPerSource, OnBadRecord, Checksum, StatePrefix, SliceSeconds, MaxInvocations,
        // Source
        SourceMaxAttempts, SourceRetryBaseMs, SourceReadTimeoutSeconds, SourceApiKeyParameter, SourceApiKeyHeader, SourceApiKey,
        // CSV format
        CsvEncoding, CsvStrictEncoding, CsvDelimiter, CsvNewline, CsvHeader, CsvFormulaGuard,
        // Source: paging, several URLs, JSON Lines and extra headers
        SourcePaging, PageStartParam, PageStartBase, PageSizeParam, PageSize, PageTotalPath, SourceMinIntervalMs, SourceFormat, SourceHeaders,
        SourceAllowedOrigins,
    ];

    /// <summary>
    /// Settings a manual payload may not override. They belong to whoever deployed the function, not to whoever may
    /// invoke it: where its signed requests go (the endpoints, the bucket), whether plain HTTP is trusted, its
    /// deadline, which secret it reads and in which header it sends it, and which source origins may receive it.
    /// </summary>
    public static readonly IReadOnlyList<string> EnvironmentOnly =
        [S3Endpoint, SsmEndpoint, AllowHttp, TimeoutSeconds, Bucket, SourceApiKeyParameter, SourceApiKeyHeader, SourceAllowedOrigins, StatePrefix, MaxInvocations];

    public static bool IsKnown(string name) => ExportSettings.Contains(name) || name is S3Endpoint or SsmEndpoint;
}
