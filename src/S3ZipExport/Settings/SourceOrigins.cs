using S3ZipExport.Contract;
using S3ZipExport.Telemetry;
namespace S3ZipExport.Settings;

/// <summary>
/// Where a manual invocation may send the source's requests. Whoever may invoke the function is not whoever deployed
/// it: the deployer's API key (EXPORT_SOURCE_API_KEY_PARAMETER, or EXPORT_SOURCE_API_KEY set in the environment) and
/// the deployer's EXPORT_SOURCE_HEADERS are sent to the source, so a payload that could name any origin could have
/// them sent to a server of its own. So when those are in play, a payload's EXPORT_SOURCE_URL may change the path and
/// query of the deployed source, but not its origin (scheme, host and port), unless the deployer lists more origins
/// in EXPORT_SOURCE_ALLOWED_ORIGINS (environment only). With that list set, a payload keeps to those origins (and the
/// deployed ones) whatever it carries. Checked before any request and before the key's parameter is read.
/// </summary>
internal static class SourceOrigins
{
    /// <summary>Parses EXPORT_SOURCE_ALLOWED_ORIGINS: origins (<c>https://host[:port]</c>) separated by spaces, commas or newlines.</summary>
    public static IReadOnlyList<string> ParseAllowed(string? text, List<string> errors)
    {
        var origins = new List<string>();
        foreach (var item in (text ?? "").Split([' ', ',', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Uri.TryCreate(item, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                && url.UserInfo.Length == 0 && url.AbsolutePath == "/" && url.Query.Length == 0 && url.Fragment.Length == 0)
                origins.Add(Of(url));
            else
                errors.Add($"{SettingNames.SourceAllowedOrigins}: '{UrlRedaction.RedactInvalid(item)}' is not an origin; give scheme, host and optional port, e.g. https://connpass.com");
        }
        return origins;
    }

    /// <summary>
    /// Adds an error when the payload's source URLs leave the allowed origins. <paramref name="deployedUrls"/> are the
    /// environment's own EXPORT_SOURCE_URL (valid ones), <paramref name="deployersSecrets"/> names what of the
    /// deployer's would follow the URL (empty when nothing would).
    /// </summary>
    public static void CheckOverride(IReadOnlyList<Uri> payloadUrls, IReadOnlyList<Uri> deployedUrls, IReadOnlyList<string> allowed,
        IReadOnlyList<string> deployersSecrets, List<string> errors)
    {
        if (allowed.Count == 0 && deployersSecrets.Count == 0) return;
        var permitted = deployedUrls.Select(Of).Concat(allowed).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var foreign = payloadUrls.Select(Of).Where(o => !permitted.Contains(o, StringComparer.OrdinalIgnoreCase)).Distinct().ToList();
        if (foreign.Count == 0) return;
        var why = deployersSecrets.Count > 0
            ? $"the deployment's {string.Join(" and ", deployersSecrets)} go only to the origins it was deployed for"
            : $"the deployment allows only the origins in {SettingNames.SourceAllowedOrigins}";
        errors.Add($"{SettingNames.SourceUrl}: the invocation payload points the source at {string.Join(", ", foreign)}, which is not an allowed origin " +
                   $"({(permitted.Count > 0 ? string.Join(", ", permitted) : "none")}): {why}. A payload may change the path and query of the source; " +
                   $"the deployer can allow more origins in {SettingNames.SourceAllowedOrigins} (environment only).");
    }

    /// <summary>scheme://host[:port] in lower case, the port only when it is not the scheme's default.</summary>
    public static string Of(Uri url) =>
        url.IsDefaultPort ? $"{url.Scheme}://{url.IdnHost}".ToLowerInvariant() : $"{url.Scheme}://{url.IdnHost}:{url.Port}".ToLowerInvariant();
}
