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
        string? Get(string name)
        {
            var value = invocation.Overrides.TryGetValue(name, out var o) ? o : environment.GetValueOrDefault(name);
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        var allowHttp = ParseBool(SettingNames.AllowHttp, Get(SettingNames.AllowHttp), false, errors);
        var sourceUrl = ParseSourceUrl(Get(SettingNames.SourceUrl), allowHttp, errors);

        var recordsPathText = invocation.Overrides.TryGetValue(SettingNames.RecordsPath, out var rp) || environment.ContainsKey(SettingNames.RecordsPath)
            ? (rp ?? environment.GetValueOrDefault(SettingNames.RecordsPath) ?? "").Trim()   // set but empty: the document is the array
            : DefaultRecordsPath;
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
            errors.Add($"{SettingNames.S3Endpoint}: '{endpointText}' is not an http(s) URL");

        // Source: retries, resume and the API key.
        var sourceMaxAttempts = ParseInt(SettingNames.SourceMaxAttempts, Get(SettingNames.SourceMaxAttempts), 5, 1, 20, errors);
        var sourceRetryBaseMs = ParseInt(SettingNames.SourceRetryBaseMs, Get(SettingNames.SourceRetryBaseMs), 1000, 1, 30_000, errors);
        var sourceReadTimeout = ParseInt(SettingNames.SourceReadTimeoutSeconds, Get(SettingNames.SourceReadTimeoutSeconds), 60, 1, 900, errors);
        var sourceApiKey = ParseSourceApiKey(Get, errors);
        Uri? ssmEndpoint = null;
        if (Get(SettingNames.SsmEndpoint) is { } ssmText
            && (!Uri.TryCreate(ssmText, UriKind.Absolute, out ssmEndpoint) || ssmEndpoint.Scheme is not ("http" or "https")))
            errors.Add($"{SettingNames.SsmEndpoint}: '{ssmText}' is not an http(s) URL");

        // CSV format
        var csv = ReadCsvFormat(environment, invocation, columns, errors);

        if (errors.Count == 0)
            MemoryBudget.Check(partSize, concurrency, threads, environment.GetValueOrDefault(SettingNames.LambdaMemorySize), errors);

        if (errors.Count > 0)
            throw new SettingsException("Invalid settings:\n- " + string.Join("\n- ", errors));

        return new ExportSettings
        {
            SourceUrl = sourceUrl!,
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
            StopAfter = timeoutSeconds is { } t ? Deadline.StopAfter(TimeSpan.FromSeconds(t)) : null,
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
        };
    }

    private static Uri? ParseSourceUrl(string? text, bool allowHttp, List<string> errors)
    {
        if (text is null)
        {
            errors.Add($"{SettingNames.SourceUrl}: required, the http(s) URL of the JSON document");
            return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add($"{SettingNames.SourceUrl}: '{UrlRedaction.Redact(text)}' is not an absolute http(s) URL");
            return null;
        }
        if (url.Scheme == "http" && !allowHttp)
            errors.Add($"{SettingNames.SourceUrl}: '{UrlRedaction.Redact(url)}' is plain http; use https, or set {SettingNames.AllowHttp}=true for a trusted local source");
        return url;
    }

    private static int ParseInt(string name, string? text, int fallback, int min, int max, List<string> errors)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Add($"{name}: '{text}' must be a whole number from {min} to {max}");
        return fallback;
    }

    private static bool ParseBool(string name, string? text, bool fallback, List<string> errors)
    {
        if (text is null) return fallback;
        if (bool.TryParse(text, out var value)) return value;
        errors.Add($"{name}: '{text}' must be true or false");
        return fallback;
    }

    private static T ParseChoice<T>(string name, string? text, T fallback, List<string> errors) where T : struct, Enum
    {
        if (text is null) return fallback;
        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _)) return value;
        errors.Add($"{name}: '{text}' must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
        return fallback;
    }

    private static CompressionLevel ParseLevel(string? text, List<string> errors)
    {
        switch (text?.ToLowerInvariant())
        {
            case null or "optimal": return CompressionLevel.Optimal;
            case "fastest": return CompressionLevel.Fastest;
            case "smallest": return CompressionLevel.SmallestSize;
            case "none": return CompressionLevel.NoCompression;
            default:
                errors.Add($"{SettingNames.CompressionLevel}: '{text}' must be one of optimal, fastest, smallest, none");
                return CompressionLevel.Optimal;
        }
    }

    // Source: the API key comes from SSM in production, or directly for a local run; never both.
    private static SourceApiKey ParseSourceApiKey(Func<string, string?> get, List<string> errors)
    {
        var header = get(SettingNames.SourceApiKeyHeader) ?? SourceApiKey.DefaultHeader;
        if (!SourceApiKey.IsHeaderName(header))
            errors.Add($"{SettingNames.SourceApiKeyHeader}: '{header}' is not an HTTP header name");
        var parameter = get(SettingNames.SourceApiKeyParameter);
        var direct = get(SettingNames.SourceApiKey);
        if (parameter is not null && direct is not null)
        {
            errors.Add($"{SettingNames.SourceApiKey}: set either it (local runs) or {SettingNames.SourceApiKeyParameter} (SSM), not both");
            return SourceApiKey.None;
        }
        return parameter is not null ? SourceApiKey.FromParameter(header, parameter)
            : direct is not null ? SourceApiKey.FromValue(header, direct)
            : SourceApiKey.None;
    }
}
