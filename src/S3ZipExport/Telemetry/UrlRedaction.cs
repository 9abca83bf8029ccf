using System.Text.RegularExpressions;

namespace S3ZipExport.Telemetry;

/// <summary>
/// The form of a URL that logs and errors may show. An http(s) URL keeps its scheme, host, port and path, and the
/// names and harmless values of its query (<c>ym</c>, <c>start</c>), so a failure can still be located; it loses its
/// user info, its fragment, and the values of query parameters that look like credentials (APIs often take keys
/// there). Anything else is shown more strictly still, because nothing about it can be trusted: another scheme
/// keeps only its scheme and host, and a value without a scheme only a host name, or nothing.
/// <para>The text is taken apart here, not by <see cref="Uri"/>: for schemes it does not know (ftp, gopher, news)
/// <see cref="Uri"/> folds the query into the path, so a redaction built on its components found no query to redact.</para>
/// </summary>
internal static partial class UrlRedaction
{
    public const string Hidden = "REDACTED";

    [GeneratedRegex("key|token|secret|pass|sig|auth|credential|session|bearer|jwt", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*):(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex WithScheme();

    // A host name, IPv4 address or [IPv6] literal, with an optional port: the only part of a value without a scheme
    // that is worth showing (a bare key pasted into the setting must not be).
    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+)(:[0-9]{1,5})?$")]
    private static partial Regex HostName();

    public static string Redact(Uri url) => Redact(url.IsAbsoluteUri ? url.AbsoluteUri : url.OriginalString);

    /// <summary>
    /// For a value that failed validation: at least as strict as <see cref="Redact(string)"/>, and an http(s) value
    /// keeps only its scheme and host, since none of the rest was checked to be what it claims.
    /// </summary>
    public static string RedactInvalid(string text) => Redact(text, strict: true);

    public static string Redact(string text) => Redact(text, strict: false);

    private static string Redact(string text, bool strict)
    {
        text = text.Trim();
        var match = WithScheme().Match(text);
        if (!match.Success) return WithoutScheme(text);
        var scheme = match.Groups["scheme"].Value.ToLowerInvariant();
        var rest = match.Groups["rest"].Value;
        if (!rest.StartsWith("//", StringComparison.Ordinal)) return $"{scheme}:…";   // mailto:, news:, data:, ...

        var afterSlashes = rest[2..];
        var authorityEnd = afterSlashes.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd < 0 ? afterSlashes : afterSlashes[..authorityEnd];
        var host = authority[(authority.LastIndexOf('@') + 1)..];   // user info dropped, whatever it holds
        var remainder = authorityEnd < 0 ? "" : afterSlashes[authorityEnd..];
        if (strict || scheme is not ("http" or "https"))
            return $"{scheme}://{host}{(remainder.Length > 0 ? "/…" : "")}";

        var fragmentStart = remainder.IndexOf('#');
        var fragment = fragmentStart < 0 ? "" : "#" + Hidden;
        if (fragmentStart >= 0) remainder = remainder[..fragmentStart];
        var queryStart = remainder.IndexOf('?');
        var path = queryStart < 0 ? remainder : remainder[..queryStart];
        var query = queryStart < 0 ? "" : "?" + RedactQuery(remainder[(queryStart + 1)..]);
        return $"{scheme}://{host}{path}{query}{fragment}";
    }

    /// <summary>
    /// A header value or other free text is never shown: only its name, said by the caller. This is for names that
    /// came from the user (a header name, say), cut where a value could start.
    /// </summary>
    public static string NameOnly(string text)
    {
        var end = text.IndexOfAny([':', '=', ' ', '\t', '\r', '\n']);
        var name = end < 0 ? text : text[..end];
        return name.Length > 64 ? name[..64] + "…" : name + (end < 0 ? "" : "…");
    }

    private static string RedactQuery(string query) => string.Join("&", query.Split('&').Select(pair =>
    {
        var equals = pair.IndexOf('=');
        var name = equals < 0 ? pair : pair[..equals];
        string decoded;
        try { decoded = Uri.UnescapeDataString(name.Replace('+', ' ')); }
        catch (UriFormatException) { decoded = name; }
        return SecretName().IsMatch(decoded) ? $"{name}={Hidden}" : pair;
    }));

    private static string WithoutScheme(string text)
    {
        var end = text.IndexOfAny(['/', '?', '#', '@', ' ']);
        var head = end < 0 ? text : text[..end];
        if (!HostName().IsMatch(head)) return $"(a value of {text.Length} characters, shown only when it starts with http:// or https://)";
        return end < 0 ? head : head + "…";
    }
}
