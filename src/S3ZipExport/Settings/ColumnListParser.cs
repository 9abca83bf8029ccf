using System.Globalization;
using System.Text;
using S3ZipExport.Contract;
using S3ZipExport.Records;

namespace S3ZipExport.Settings;

/// <summary>
/// Parses EXPORT_COLUMNS, e.g. <c>title,Start=started_at|datetime:yyyy/MM/dd HH:mm,Tags=tags|join:;,group.title</c>:
/// each column is <c>json.path</c> or <c>Header=json.path</c>, optionally followed by <c>|formatter:argument</c>
/// (see <see cref="ColumnFormatter"/>). Columns are separated by commas; <c>\,</c> is a comma inside a column (a
/// header, or a formatter's argument such as <c>join:\,</c>). In a path, <c>\.</c> is a dot inside a property name
/// (<c>a\.b</c> is the property "a.b", not b inside a). No other backslash is special, so .NET date formats keep theirs.
/// </summary>
internal static class ColumnListParser
{
    public static IReadOnlyList<ColumnSpec> Parse(string text, List<string> errors)
    {
        var columns = new List<ColumnSpec>();
        foreach (var raw in Split(text, ',', unescape: true))
        {
            var bar = raw.IndexOf('|');
            var item = (bar < 0 ? raw : raw[..bar]).Trim();
            var equals = item.IndexOf('=');
            var header = (equals < 0 ? item : item[..equals]).Trim();
            var path = (equals < 0 ? item : item[(equals + 1)..]).Trim();
            var segments = PathSegments(path);
            if (equals < 0) header = string.Join('.', segments);
            if (header.Length == 0 || path.Length == 0 || segments.Any(s => s.Length == 0))
            {
                errors.Add($"{SettingNames.Columns}: column '{raw.Trim()}' must be 'json.path' or 'Header=json.path' with no empty parts");
                continue;
            }
            ColumnFormatter? formatter = null;
            if (bar >= 0)
            {
                formatter = ParseFormatter(raw[(bar + 1)..], out var problem);
                if (problem is not null) errors.Add($"{SettingNames.Columns}: column '{header}' {problem}");
            }
            columns.Add(new ColumnSpec(header, segments, formatter));
        }
        var duplicate = columns.GroupBy(c => c.Header).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            errors.Add($"{SettingNames.Columns}: header '{duplicate.Key}' appears more than once; name one of them with 'Header=json.path'");
        return columns;
    }

    /// <summary>A dot path's property names: split on dots, except <c>\.</c>, which is a dot inside a name.</summary>
    public static IReadOnlyList<string> PathSegments(string path) => Split(path, '.', unescape: true);

    /// <summary>The text after <c>|</c>; null and a problem (to follow "column 'X' ") when it is not valid.</summary>
    private static ColumnFormatter? ParseFormatter(string text, out string? problem)
    {
        var colon = text.IndexOf(':');
        var name = (colon < 0 ? text : text[..colon]).Trim();
        var argument = colon < 0 ? "" : text[(colon + 1)..];
        problem = null;
        switch (name)
        {
            case "datetime":
                if (argument.Length == 0)
                {
                    problem = "needs a format after 'datetime:', e.g. 'datetime:yyyy/MM/dd HH:mm'";
                    return null;
                }
                try
                {
                    _ = DateTimeOffset.UnixEpoch.ToString(argument, CultureInfo.InvariantCulture);
                    return new ColumnFormatter.DateTimeFormat(argument);
                }
                catch (FormatException)
                {
                    problem = $"has 'datetime:{argument}', which is not a valid .NET date format";
                    return null;
                }
            case "join":
                if (argument.Length > 0) return new ColumnFormatter.Join(argument);
                problem = @"needs a separator after 'join:', e.g. 'join:;' or 'join:\,' for a comma";
                return null;
            default:
                problem = $"has unknown formatter '{name}'; use 'datetime:FORMAT' or 'join:SEPARATOR'";
                return null;
        }
    }

    /// <summary>Splits on <paramref name="separator"/> not preceded by a backslash, turning each escaped one into the character.</summary>
    private static List<string> Split(string text, char separator, bool unescape)
    {
        var items = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == separator)
            {
                if (!unescape) current.Append('\\');
                current.Append(separator);
                i++;
            }
            else if (text[i] == separator)
            {
                items.Add(current.ToString());
                current.Clear();
            }
            else current.Append(text[i]);
        }
        items.Add(current.ToString());
        return items;
    }
}
