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
        var sourceUrls = ParseSourceUrls(Get(SettingNames.SourceUrl), allowHttp, errors);

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

        if (errors.Count == 0)
            MemoryBudget.Check(partSize, concurrency, threads, environment.GetValueOrDefault(SettingNames.LambdaMemorySize), errors);

        if (errors.Count > 0)
            throw new SettingsException("Invalid settings:\n- " + string.Join("\n- ", errors));

        return new ExportSettings
        {
            SourceUrl = sourceUrls[0],
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
            // Source: paging, several URLs, JSON Lines and extra headers
            SourceUrls = sourceUrls,
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

        bool SetButEmpty(string name) =>
            (invocation.Overrides.TryGetValue(name, out var o) ? o : environment.GetValueOrDefault(name)) is { } v && string.IsNullOrWhiteSpace(v);
    }

    private static Uri? ParseSourceUrl(string text, string label, bool allowHttp, List<string> errors)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add($"{SettingNames.SourceUrl}: {label}'{UrlRedaction.Redact(text)}' is not an absolute http(s) URL");
            return null;
        }
        if (url.Scheme == "http" && !allowHttp)
            errors.Add($"{SettingNames.SourceUrl}: {label}'{UrlRedaction.Redact(url)}' is plain http; use https, or set {SettingNames.AllowHttp}=true for a trusted local source");
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

    // Source: paging, several URLs, JSON Lines and extra headers.

    /// <summary>One URL or several, separated by spaces or newlines (e.g. one per month with connpass's ym=); read in order.</summary>
    private static IReadOnlyList<Uri> ParseSourceUrls(string? text, bool allowHttp, List<string> errors)
    {
        var texts = text?.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (texts.Length == 0)
        {
            errors.Add($"{SettingNames.SourceUrl}: required, the http(s) URL of the JSON document (or several, separated by spaces or newlines)");
            return [new Uri("https://unset.invalid/")];
        }
        var urls = texts.Select((t, i) => ParseSourceUrl(t, texts.Length > 1 ? $"URL {i + 1} " : "", allowHttp, errors)).ToList();
        return urls.Any(u => u is null) ? [new Uri("https://unset.invalid/")] : urls.Select(u => u!).ToList();
    }

    /// <summary>A query parameter name as it goes into the URL: no characters that would split or end the query.</summary>
    private static string ParseQueryName(string name, string text, List<string> errors)
    {
        if (text.Any(c => c is '&' or '=' or '#' or '?' or '+' or '%' || char.IsWhiteSpace(c) || char.IsControl(c)))
            errors.Add($"{name}: '{text}' is not a plain query parameter name (no & = # ? + % or spaces)");
        return text;
    }

    /// <summary>
    /// Where each page's total lies. JSON Lines, or a document that is itself the array, has nowhere to hold one:
    /// the default is then dropped (paging stops at the first empty page), but a total path set on purpose is an error.
    /// </summary>
    private static IReadOnlyList<string> ParsePageTotalPath(Func<string, string?> get, bool setButEmpty, SourceFormat format, IReadOnlyList<string> recordsPath, List<string> errors)
    {
        var text = get(SettingNames.PageTotalPath);
        if (setButEmpty) return [];
        var explicitlySet = text is not null;
        text ??= "results_available";
        var path = text.Split('.');
        if (path.Any(s => s.Length == 0))
        {
            errors.Add($"{SettingNames.PageTotalPath}: '{text}' has an empty part; use names joined by dots, e.g. 'meta.total'");
            return [];
        }
        var noDocument = format == SourceFormat.Ndjson ? $"{SettingNames.SourceFormat}=ndjson has no document around the records"
            : recordsPath.Count == 0 ? $"the document is the records array ({SettingNames.RecordsPath} is empty)"
            : null;
        if (noDocument is not null)
        {
            if (explicitlySet)
                errors.Add($"{SettingNames.PageTotalPath}: '{text}' cannot be read: {noDocument}; set it empty to page until a page has no records");
            return [];
        }
        var shorter = Math.Min(path.Length, recordsPath.Count);
        if (path.Take(shorter).SequenceEqual(recordsPath.Take(shorter)))
            errors.Add($"{SettingNames.PageTotalPath}: '{text}' overlaps {SettingNames.RecordsPath} '{string.Join('.', recordsPath)}'; the total must lie beside the records array, e.g. 'results_available'");
        return path;
    }

    // Set by the export itself: ranges for resuming, codings it decodes, framing, and the API key's own header.
    private static readonly string[] ReservedHeaders =
        ["Host", "Range", "If-Range", "Accept-Encoding", "Connection", "Transfer-Encoding", "Content-Length", "Content-Type", "TE", "Upgrade"];

    /// <summary>
    /// <c>Name: value</c> lines. These are not for secrets (the API key has its own settings and is kept out of logs);
    /// error messages still name only the header, never its value.
    /// </summary>
    private static IReadOnlyList<KeyValuePair<string, string>> ParseSourceHeaders(string? text, string apiKeyHeader, List<string> errors)
    {
        if (text is null) return [];
        var headers = new List<KeyValuePair<string, string>>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                errors.Add($"{SettingNames.SourceHeaders}: line {i + 1} is not 'Name: value'");
                continue;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (!SourceApiKey.IsHeaderName(name))
                errors.Add($"{SettingNames.SourceHeaders}: line {i + 1}: '{name}' is not an HTTP header name");
            else if (ReservedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                errors.Add($"{SettingNames.SourceHeaders}: line {i + 1}: '{name}' is set by the export itself");
            else if (string.Equals(name, apiKeyHeader, StringComparison.OrdinalIgnoreCase))
                errors.Add($"{SettingNames.SourceHeaders}: line {i + 1}: '{name}' carries the API key; use {SettingNames.SourceApiKeyParameter} (SSM), which is never logged");
            else if (value.Any(c => char.IsControl(c) && c != '\t'))
                errors.Add($"{SettingNames.SourceHeaders}: line {i + 1}: the value of '{name}' has control characters");
            else
                headers.Add(new(name, value));
        }
        return headers;
    }
}
