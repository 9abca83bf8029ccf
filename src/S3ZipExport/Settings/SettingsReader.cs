using System.Globalization;
using System.IO.Compression;
using S3ZipExport.Source;

namespace S3ZipExport.Settings;

/// <summary>
/// Turns the environment (plus a manual invocation's overrides) into <see cref="ExportSettings"/>.
/// Every problem is collected so one message names all the variables to fix.
/// </summary>
internal static partial class SettingsReader
{
    public const string DefaultRecordsPath = "events";
    public const string DefaultColumns = "title,started_at,ended_at";
    public const string DefaultKey = "exports/{time:yyyy/MM/dd}/events-{time:yyyyMMdd'T'HHmmss'Z'}.zip";
    public const string DefaultEntryName = "events.csv";

    // S3 allows parts of 5 MiB to 5 GiB; above 512 MiB the buffers no longer fit any Lambda size with headroom.
    private const int MinPartSizeMiB = 5, MaxPartSizeMiB = 512;

    public static ExportSettings Read(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation)
    {
        var errors = new List<string>();
        // A manual payload's override wins over the environment; blank counts as unset, except where "set but
        // empty" means something (an empty records path: the document is the array).
        string? Raw(string name) => invocation.Overrides.TryGetValue(name, out var o) ? o : environment.GetValueOrDefault(name);
        string? Get(string name) => Raw(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        bool SetButEmpty(string name) => Raw(name) is { } value && string.IsNullOrWhiteSpace(value);

        var allowHttp = ParseBool(SettingNames.AllowHttp, Get(SettingNames.AllowHttp), false, errors);
        var sourceUrls = ParseSourceUrls(Get(SettingNames.SourceUrl), allowHttp, errors);

        var recordsPathText = SetButEmpty(SettingNames.RecordsPath) ? "" : Get(SettingNames.RecordsPath) ?? DefaultRecordsPath;
        var recordsPath = recordsPathText.Length == 0 ? [] : recordsPathText.Split('.');
        if (recordsPath.Any(s => s.Length == 0))
            errors.Add($"{SettingNames.RecordsPath}: '{recordsPathText}' has an empty part; use names joined by dots, e.g. 'data.items'");

        var columns = ColumnSpec.ParseList(Get(SettingNames.Columns) ?? DefaultColumns, errors);

        var bucket = Get(SettingNames.Bucket);
        if (bucket is null) errors.Add($"{SettingNames.Bucket}: required, the name of the target S3 bucket");

        var keyTemplate = Get(SettingNames.Key) ?? DefaultKey;
        var keyProblem = ObjectKeyTemplate.Validate(keyTemplate);
        if (keyProblem is not null) errors.Add($"{SettingNames.Key}: '{keyTemplate}' {keyProblem}");
        var key = keyProblem is null ? ObjectKeyTemplate.Render(keyTemplate, invocation.Time, invocation.Id) : "";
        if (keyProblem is null && (key.StartsWith('/') || System.Text.Encoding.UTF8.GetByteCount(key) > 1024))
            errors.Add($"{SettingNames.Key}: rendered key '{key}' must not start with '/' and must be at most 1024 bytes");

        var entryName = Get(SettingNames.EntryName) ?? DefaultEntryName;
        if (entryName.Contains('\\') || entryName.StartsWith('/') || entryName.Split('/').Contains(".."))
            errors.Add($"{SettingNames.EntryName}: '{entryName}' must be a relative path with '/' separators and no '..'");

        var partSize = ParseInt(SettingNames.PartSizeMiB, Get(SettingNames.PartSizeMiB), 8, MinPartSizeMiB, MaxPartSizeMiB, errors);
        var concurrency = ParseInt(SettingNames.UploadConcurrency, Get(SettingNames.UploadConcurrency), 4, 1, 64, errors);
        var level = ParseLevel(Get(SettingNames.CompressionLevel), errors);
        var threads = ParseInt(SettingNames.CompressionThreads, Get(SettingNames.CompressionThreads), Environment.ProcessorCount, 1, 64, errors);

        var progressSeconds = ParseInt(SettingNames.ProgressSeconds, Get(SettingNames.ProgressSeconds), 10, 0, 3600, errors);

        var ifExists = ParseChoice(SettingNames.IfExists, Get(SettingNames.IfExists), IfExists.Overwrite, errors);
        var sse = Get(SettingNames.ServerSideEncryption);
        if (sse is not (null or "AES256" or "aws:kms"))
            errors.Add($"{SettingNames.ServerSideEncryption}: '{sse}' must be AES256 or aws:kms (or unset for the bucket's default encryption)");
        var kmsKey = Get(SettingNames.SseKmsKeyId);
        if (kmsKey is not null && sse != "aws:kms")
            errors.Add($"{SettingNames.SseKmsKeyId}: a KMS key needs {SettingNames.ServerSideEncryption}=aws:kms");

        var format = ParseChoice(SettingNames.Format, Get(SettingNames.Format), OutputFormat.Zip, errors);
        // Excel opens at most 1,048,576 rows, the header included.
        var maxRows = ParseInt(SettingNames.MaxRowsPerFile, Get(SettingNames.MaxRowsPerFile), 0, 0, int.MaxValue, errors);
        var entryPerSource = ParseBool(SettingNames.EntryPerSource, Get(SettingNames.EntryPerSource), false, errors);
        if (format == OutputFormat.Gzip && (maxRows > 0 || entryPerSource))
            errors.Add($"{SettingNames.Format}: gzip holds a single file; {SettingNames.MaxRowsPerFile} and {SettingNames.EntryPerSource} need EXPORT_FORMAT=zip");
        var onBadRecord = ParseChoice(SettingNames.OnBadRecord, Get(SettingNames.OnBadRecord), OnBadRecord.Fail, errors);

        int? timeoutSeconds = Get(SettingNames.TimeoutSeconds) is { } timeoutText
            ? ParseInt(SettingNames.TimeoutSeconds, timeoutText, 900, 11, 86_400, errors)   // above the 10 s minimum margin
            : null;

        Uri? endpoint = null;
        if (Get(SettingNames.S3Endpoint) is { } endpointText
            && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
            errors.Add($"{SettingNames.S3Endpoint}: '{UrlRedaction.RedactInvalid(endpointText)}' is not an http(s) URL");

        // Source: retries, resume and the API key.
        var sourceMaxAttempts = ParseInt(SettingNames.SourceMaxAttempts, Get(SettingNames.SourceMaxAttempts), 5, 1, 20, errors);
        var sourceRetryBaseMs = ParseInt(SettingNames.SourceRetryBaseMs, Get(SettingNames.SourceRetryBaseMs), 1000, 1, 30_000, errors);
        var sourceReadTimeout = ParseInt(SettingNames.SourceReadTimeoutSeconds, Get(SettingNames.SourceReadTimeoutSeconds), 60, 1, 900, errors);
        var sourceApiKey = ParseSourceApiKey(Get, errors);
        Uri? ssmEndpoint = null;
        if (Get(SettingNames.SsmEndpoint) is { } ssmText
            && (!Uri.TryCreate(ssmText, UriKind.Absolute, out ssmEndpoint) || ssmEndpoint.Scheme is not ("http" or "https")))
            errors.Add($"{SettingNames.SsmEndpoint}: '{UrlRedaction.RedactInvalid(ssmText)}' is not an http(s) URL");

        // CSV format
        var csv = ReadCsvFormat(environment, invocation, columns, errors);
        // Source: paging, several URLs, JSON Lines and extra headers.
        var paging = ParseChoice(SettingNames.SourcePaging, Get(SettingNames.SourcePaging), SourcePaging.None, errors);
        var sourceFormat = ParseChoice(SettingNames.SourceFormat, Get(SettingNames.SourceFormat), SourceFormat.Json, errors);
        var pageStartParam = ParseQueryName(SettingNames.PageStartParam, Get(SettingNames.PageStartParam) ?? "start", errors);
        var pageStartBase = ParseInt(SettingNames.PageStartBase, Get(SettingNames.PageStartBase), 1, 0, 1, errors);
        var pageSizeParam = ParseQueryName(SettingNames.PageSizeParam, Get(SettingNames.PageSizeParam) ?? "count", errors);
        if (pageStartParam == pageSizeParam)
            errors.Add($"{SettingNames.PageSizeParam}: '{pageSizeParam}' is also {SettingNames.PageStartParam}; they must differ");
        var pageSize = ParseInt(SettingNames.PageSize, Get(SettingNames.PageSize), 100, 1, 10_000, errors);
        var pageTotalPath = ParsePageTotalPath(Get, SetButEmpty(SettingNames.PageTotalPath), sourceFormat, recordsPath, errors);
        // connpass asks for at most one request a second (and answers 429 beyond it); a single document needs no pause.
        var minIntervalMs = ParseInt(SettingNames.SourceMinIntervalMs, Get(SettingNames.SourceMinIntervalMs), paging == SourcePaging.Offset ? 1000 : 0, 0, 60_000, errors);
        var sourceHeaders = ParseSourceHeaders(Get(SettingNames.SourceHeaders), sourceApiKey.Header, errors);
        CheckSourceOrigins(environment, invocation, sourceUrls, allowHttp, sourceApiKey, sourceHeaders, errors);

        if (errors.Count == 0)
            MemoryBudget.Check(partSize, concurrency, threads, environment.GetValueOrDefault(SettingNames.LambdaMemorySize), errors);

        if (errors.Count > 0)
            throw new SettingsException("Invalid settings:\n- " + string.Join("\n- ", errors));

        return new ExportSettings
        {
            SourceUrls = sourceUrls,
            RecordsPath = recordsPath,
            Columns = columns,
            Bucket = bucket!,
            Key = key,
            EntryName = entryName,
            PartSizeMiB = partSize,
            UploadConcurrency = concurrency,
            CompressionLevel = level,
            CompressionThreads = threads,
            ProgressInterval = TimeSpan.FromSeconds(progressSeconds),
            IfExists = ifExists,
            Format = format,
            MaxRowsPerFile = maxRows,
            EntryPerSource = entryPerSource,
            OnBadRecord = onBadRecord,
            ServerSideEncryption = sse,
            SseKmsKeyId = kmsKey,
            TimeoutSeconds = timeoutSeconds,
            S3Endpoint = endpoint,
            InvocationTime = invocation.Time,
            // Source
            SourceMaxAttempts = sourceMaxAttempts,
            SourceRetryBase = TimeSpan.FromMilliseconds(sourceRetryBaseMs),
            SourceReadTimeout = TimeSpan.FromSeconds(sourceReadTimeout),
            SourceApiKey = sourceApiKey,
            SsmEndpoint = ssmEndpoint,
            // CSV format
            Csv = csv,
            // Source: paging, JSON Lines and extra headers
            SourcePaging = paging,
            PageStartParam = pageStartParam,
            PageStartBase = pageStartBase,
            PageSizeParam = pageSizeParam,
            PageSize = pageSize,
            PageTotalPath = pageTotalPath,
            SourceMinInterval = TimeSpan.FromMilliseconds(minIntervalMs),
            SourceFormat = sourceFormat,
            SourceHeaders = sourceHeaders,
        };
    }
}
