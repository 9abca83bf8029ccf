using System.Text.RegularExpressions;

namespace S3ZipExport.Settings;

/// <summary>
/// URLs in logs and errors lose user info and the values of query parameters that look like credentials
/// (APIs often take keys there), but keep the rest (<c>ym</c>, <c>start</c>) so a failure can still be located.
/// </summary>
internal static partial class UrlRedaction
{
    [GeneratedRegex("key|token|secret|pass|sig|auth|credential|session", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    public static string Redact(Uri url)
    {
        var builder = new UriBuilder(url) { UserName = "", Password = "" };
        if (url.Query.Length > 1)
        {
            var pairs = url.Query[1..].Split('&').Select(pair =>
            {
                var name = pair.Split('=')[0];
                return SecretName().IsMatch(name) ? name + "=REDACTED" : pair;
            });
            builder.Query = string.Join("&", pairs);
        }
        return builder.Uri.GetComponents(UriComponents.AbsoluteUri, UriFormat.UriEscaped);
    }

    public static string Redact(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) ? Redact(url) : text.Split('?')[0];
}
