using System.Globalization;
using System.IO.Compression;
using S3ZipExport.Source;

namespace S3ZipExport.Settings;

/// <summary>The source settings: URLs, the API key, paging and extra headers.</summary>
internal static partial class SettingsReader
{
    private static Uri? ParseSourceUrl(string text, string label, bool allowHttp, List<string> errors)
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

    // Source: the API key comes from SSM in production, or directly for a local run; never both.
    private static SourceApiKey ParseSourceApiKey(Func<string, string?> get, List<string> errors)
    {
        var header = get(SettingNames.SourceApiKeyHeader) ?? SourceApiKey.DefaultHeader;
        if (!SourceApiKey.IsHeaderName(header))
            errors.Add($"{SettingNames.SourceApiKeyHeader}: '{UrlRedaction.NameOnly(header)}' is not an HTTP header name");
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

    /// <summary>A payload's EXPORT_SOURCE_URL keeps to the allowed origins (see <see cref="SourceOrigins"/>).</summary>
    private static void CheckSourceOrigins(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation, IReadOnlyList<Uri> sourceUrls,
        bool allowHttp, SourceApiKey apiKey, IReadOnlyList<KeyValuePair<string, string>> headers, List<string> errors)
    {
        var allowed = SourceOrigins.ParseAllowed(environment.GetValueOrDefault(SettingNames.SourceAllowedOrigins), errors);
        if (!invocation.Overrides.ContainsKey(SettingNames.SourceUrl) || sourceUrls.Any(u => u.Host == UnsetHost)) return;
        var deployed = ParseSourceUrls(environment.GetValueOrDefault(SettingNames.SourceUrl), allowHttp, errors: [])
            .Where(u => u.Host != UnsetHost).ToList();
        var secrets = new List<string>();
        if (apiKey.ParameterName is not null) secrets.Add($"API key ({SettingNames.SourceApiKeyParameter})");
        else if (apiKey.Value is not null && !invocation.Overrides.ContainsKey(SettingNames.SourceApiKey)) secrets.Add($"API key ({SettingNames.SourceApiKey})");
        if (headers.Count > 0 && !invocation.Overrides.ContainsKey(SettingNames.SourceHeaders)) secrets.Add(SettingNames.SourceHeaders);
        SourceOrigins.CheckOverride(sourceUrls, deployed, allowed, secrets, errors);
    }

    // Source: paging, several URLs, JSON Lines and extra headers.

    // Stands in for a missing or invalid EXPORT_SOURCE_URL while the other settings are still checked.
    private const string UnsetHost = "unset.invalid";

    /// <summary>One URL or several, separated by spaces or newlines (e.g. one per month with connpass's ym=); read in order.</summary>
    private static IReadOnlyList<Uri> ParseSourceUrls(string? text, bool allowHttp, List<string> errors)
    {
        var texts = text?.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (texts.Length == 0)
        {
            errors.Add($"{SettingNames.SourceUrl}: required, the http(s) URL of the JSON document (or several, separated by spaces or newlines)");
            return [new Uri($"https://{UnsetHost}/")];
        }
        var urls = texts.Select((t, i) => ParseSourceUrl(t, texts.Length > 1 ? $"URL {i + 1} " : "", allowHttp, errors)).ToList();
        return urls.Any(u => u is null) ? [new Uri($"https://{UnsetHost}/")] : urls.Select(u => u!).ToList();
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
                errors.Add($"{SettingNames.SourceHeaders}: line {i + 1}: '{UrlRedaction.NameOnly(name)}' is not an HTTP header name");
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
