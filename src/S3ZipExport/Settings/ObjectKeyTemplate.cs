using System.Globalization;
using System.Text.RegularExpressions;

namespace S3ZipExport.Settings;

/// <summary>
/// The object key template: <c>{time:FORMAT}</c> is the invocation time (UTC) in a .NET custom format,
/// <c>{id}</c> the event id. Using the scheduled time (not the clock) makes a rerun of the same schedule
/// write the same key.
/// </summary>
internal static partial class ObjectKeyTemplate
{
    /// <summary>EXPORT_KEY when unset: named after the scheduled time, so a rerun writes the same key.</summary>
    public const string Default = "exports/{time:yyyy/MM/dd}/events-{time:yyyyMMdd'T'HHmmss'Z'}.zip";

    [GeneratedRegex(@"\{(?<name>[a-z]+)(?::(?<format>[^}]*))?\}")]
    private static partial Regex Placeholder();

    public static string? Validate(string template)
    {
        if (template.Length == 0) return "must not be empty";
        foreach (Match m in Placeholder().Matches(template))
        {
            var name = m.Groups["name"].Value;
            if (name is not ("time" or "id")) return $"unknown placeholder '{m.Value}' (use {{time:FORMAT}} or {{id}})";
            if (name == "time" && m.Groups["format"].Value.Length == 0) return $"'{m.Value}' needs a format, e.g. {{time:yyyy/MM/dd}}";
            if (name == "time")
            {
                try { _ = DateTimeOffset.UnixEpoch.ToString(m.Groups["format"].Value, CultureInfo.InvariantCulture); }
                catch (FormatException) { return $"'{m.Value}' is not a valid .NET date format"; }
            }
        }
        var rest = Placeholder().Replace(template, "");
        if (rest.Contains('{') || rest.Contains('}')) return "has an unmatched '{' or '}'";
        return null;
    }

    public static string Render(string template, DateTimeOffset time, string id) =>
        Placeholder().Replace(template, m => m.Groups["name"].Value switch
        {
            "time" => time.UtcDateTime.ToString(m.Groups["format"].Value, CultureInfo.InvariantCulture),
            _ => id,
        });
}
