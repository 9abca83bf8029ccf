using S3ZipExport.Contract;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;

namespace S3ZipExport.Settings;

/// <summary>The source settings: URLs, format, paging, pacing, retries, the API key and extra headers.</summary>
internal sealed partial class SettingsReader
{
    private SourceOptions ReadSource(IReadOnlyList<string> recordsPath)
    {
        var defaults = SourceOptions.Defaults;
        var allowHttp = Bool(SettingNames.AllowHttp, false);
        var urls = SourceUrls(_values.Get(SettingNames.SourceUrl), allowHttp, _errors);
        var format = Choice(SettingNames.SourceFormat, defaults.Format);
        // Read even when paging is off, so a page setting with a mistake in it is reported either way.
        var pagingOptions = ReadPaging(format, recordsPath);
        var paging = Choice(SettingNames.SourcePaging, SourcePaging.None) == SourcePaging.Offset ? pagingOptions : null;
        var minIntervalMs = Int(SettingNames.SourceMinIntervalMs,
            (int)(paging is null ? defaults.MinInterval : OffsetPaging.DefaultMinInterval).TotalMilliseconds, 0, 60_000);
        var apiKey = ReadApiKey();
        var headers = ReadHeaders(apiKey.Header);
        if (urls is not null) CheckSourceOrigins(urls, allowHttp, apiKey, headers);
        return new SourceOptions
        {
            Urls = urls ?? [],
            Format = format,
            Paging = paging,
            MinInterval = TimeSpan.FromMilliseconds(minIntervalMs),
            MaxAttempts = Int(SettingNames.SourceMaxAttempts, defaults.MaxAttempts, 1, 20),
            RetryBase = TimeSpan.FromMilliseconds(Int(SettingNames.SourceRetryBaseMs, (int)defaults.RetryBase.TotalMilliseconds, 1, 30_000)),
            ReadTimeout = TimeSpan.FromSeconds(Int(SettingNames.SourceReadTimeoutSeconds, (int)defaults.ReadTimeout.TotalSeconds, 1, 900)),
            ApiKey = apiKey,
            Headers = headers,
        };
    }

    /// <summary>How a source URL is split into requests: one document, or pages by a first-record index and a count.</summary>
    private enum SourcePaging { None, Offset }

    private OffsetPaging ReadPaging(SourceFormat format, IReadOnlyList<string> recordsPath)
    {
        var defaults = OffsetPaging.Defaults;
        var startParam = QueryName(SettingNames.PageStartParam, _values.Get(SettingNames.PageStartParam) ?? defaults.StartParam);
        var sizeParam = QueryName(SettingNames.PageSizeParam, _values.Get(SettingNames.PageSizeParam) ?? defaults.SizeParam);
        if (startParam == sizeParam)
            _errors.Add($"{SettingNames.PageSizeParam}: '{sizeParam}' is also {SettingNames.PageStartParam}; they must differ");
        return new OffsetPaging
        {
            StartParam = startParam,
            StartBase = Int(SettingNames.PageStartBase, defaults.StartBase, 0, 1),
            SizeParam = sizeParam,
            Size = Int(SettingNames.PageSize, defaults.Size, 1, 10_000),
            TotalPath = ReadTotalPath(format, recordsPath, defaults.TotalPath),
        };
    }

    /// <summary>One URL or several, separated by spaces or newlines (e.g. one per month with connpass's ym=); read in order. Null when any is invalid.</summary>
    private static List<Uri>? SourceUrls(string? text, bool allowHttp, List<string> errors)
    {
        var texts = text?.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (texts.Length == 0)
        {
            errors.Add($"{SettingNames.SourceUrl}: required, the http(s) URL of the JSON document (or several, separated by spaces or newlines)");
            return null;
        }
        var urls = texts.Select((t, i) => SourceUrl(t, texts.Length > 1 ? $"URL {i + 1} " : "", allowHttp, errors)).ToList();
        return urls.Any(u => u is null) ? null : urls.Select(u => u!).ToList();
    }

    private static Uri? SourceUrl(string text, string label, bool allowHttp, List<string> errors)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add($"{SettingNames.SourceUrl}: {label}'{UrlRedaction.RedactInvalid(text)}' is not an absolute http(s) URL");
            return null;
        }
        if (url.Scheme == "http" && !allowHttp)
            errors.Add($"{SettingNames.SourceUrl}: {label}'{UrlRedaction.Redact(url)}' is plain http; use https, or set {SettingNames.AllowHttp}=true for a trusted local source");
        return url;
    }

    /// <summary>A payload's EXPORT_SOURCE_URL keeps to the allowed origins (see <see cref="SourceOrigins"/>).</summary>
    private void CheckSourceOrigins(List<Uri> urls, bool allowHttp, SourceApiKey apiKey, List<KeyValuePair<string, string>> headers)
    {
        var allowed = SourceOrigins.ParseAllowed(_values.FromEnvironment(SettingNames.SourceAllowedOrigins), _errors);
        if (!_values.FromPayload(SettingNames.SourceUrl)) return;
        var deployed = SourceUrls(_values.FromEnvironment(SettingNames.SourceUrl), allowHttp, errors: []) ?? [];
        var secrets = new List<string>();
        if (apiKey.ParameterName is not null) secrets.Add($"API key ({SettingNames.SourceApiKeyParameter})");
        else if (apiKey.Value is not null && !_values.FromPayload(SettingNames.SourceApiKey)) secrets.Add($"API key ({SettingNames.SourceApiKey})");
        if (headers.Count > 0 && !_values.FromPayload(SettingNames.SourceHeaders)) secrets.Add(SettingNames.SourceHeaders);
        SourceOrigins.CheckOverride(urls, deployed, allowed, secrets, _errors);
    }

    /// <summary>The API key comes from SSM in production, or directly for a local run; never both.</summary>
    private SourceApiKey ReadApiKey()
    {
        var header = _values.Get(SettingNames.SourceApiKeyHeader) ?? SourceApiKey.DefaultHeader;
        if (!SourceApiKey.IsHeaderName(header))
            _errors.Add($"{SettingNames.SourceApiKeyHeader}: '{UrlRedaction.NameOnly(header)}' is not an HTTP header name");
        var parameter = _values.Get(SettingNames.SourceApiKeyParameter);
        var direct = _values.Get(SettingNames.SourceApiKey);
        if (parameter is not null && direct is not null)
        {
            _errors.Add($"{SettingNames.SourceApiKey}: set either it (local runs) or {SettingNames.SourceApiKeyParameter} (SSM), not both");
            return SourceApiKey.None;
        }
        return parameter is not null ? SourceApiKey.FromParameter(header, parameter)
            : direct is not null ? SourceApiKey.FromValue(header, direct)
            : SourceApiKey.None;
    }

    /// <summary>A query parameter name as it goes into the URL: no characters that would split or end the query.</summary>
    private string QueryName(string name, string text)
    {
        if (text.Any(c => c is '&' or '=' or '#' or '?' or '+' or '%' || char.IsWhiteSpace(c) || char.IsControl(c)))
            _errors.Add($"{name}: '{text}' is not a plain query parameter name (no & = # ? + % or spaces)");
        return text;
    }

    /// <summary>
    /// Where each page's total lies. JSON Lines, or a document that is itself the array, has nowhere to hold one:
    /// the default is then dropped (paging stops at the first empty page), but a total path set on purpose is an error.
    /// </summary>
    private IReadOnlyList<string> ReadTotalPath(SourceFormat format, IReadOnlyList<string> recordsPath, IReadOnlyList<string> defaultPath)
    {
        if (_values.IsSetButEmpty(SettingNames.PageTotalPath)) return [];
        var text = _values.Get(SettingNames.PageTotalPath);
        var explicitlySet = text is not null;
        text ??= string.Join('.', defaultPath);
        if (DotPath(SettingNames.PageTotalPath, text, "meta.total") is not { } path) return [];
        var noDocument = format == SourceFormat.Ndjson ? $"{SettingNames.SourceFormat}=ndjson has no document around the records"
            : recordsPath.Count == 0 ? $"the document is the records array ({SettingNames.RecordsPath} is empty)"
            : null;
        if (noDocument is not null)
        {
            if (explicitlySet)
                _errors.Add($"{SettingNames.PageTotalPath}: '{text}' cannot be read: {noDocument}; set it empty to page until a page has no records");
            return [];
        }
        var shorter = Math.Min(path.Count, recordsPath.Count);
        if (path.Take(shorter).SequenceEqual(recordsPath.Take(shorter)))
            _errors.Add($"{SettingNames.PageTotalPath}: '{text}' overlaps {SettingNames.RecordsPath} '{string.Join('.', recordsPath)}'; the total must lie beside the records array, e.g. 'results_available'");
        return path;
    }

    // Set by the export itself: ranges for resuming, codings it decodes, framing, and the API key's own header.
    private static readonly string[] ReservedHeaders =
        ["Host", "Range", "If-Range", "Accept-Encoding", "Connection", "Transfer-Encoding", "Content-Length", "Content-Type", "TE", "Upgrade"];

    /// <summary>
    /// <c>Name: value</c> lines. These are not for secrets (the API key has its own settings and is kept out of logs);
    /// error messages still name only the header, never its value.
    /// </summary>
    private List<KeyValuePair<string, string>> ReadHeaders(string apiKeyHeader)
    {
        if (_values.Get(SettingNames.SourceHeaders) is not { } text) return [];
        var headers = new List<KeyValuePair<string, string>>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                _errors.Add($"{SettingNames.SourceHeaders}: line {i + 1} is not 'Name: value'");
                continue;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (!SourceApiKey.IsHeaderName(name))
                _errors.Add($"{SettingNames.SourceHeaders}: line {i + 1}: '{UrlRedaction.NameOnly(name)}' is not an HTTP header name");
            else if (ReservedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                _errors.Add($"{SettingNames.SourceHeaders}: line {i + 1}: '{name}' is set by the export itself");
            else if (string.Equals(name, apiKeyHeader, StringComparison.OrdinalIgnoreCase))
                _errors.Add($"{SettingNames.SourceHeaders}: line {i + 1}: '{name}' carries the API key; use {SettingNames.SourceApiKeyParameter} (SSM), which is never logged");
            else if (value.Any(c => char.IsControl(c) && c != '\t'))
                _errors.Add($"{SettingNames.SourceHeaders}: line {i + 1}: the value of '{name}' has control characters");
            else
                headers.Add(new(name, value));
        }
        return headers;
    }
}
