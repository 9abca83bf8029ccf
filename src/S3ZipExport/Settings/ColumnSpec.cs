using System.Text;

namespace S3ZipExport.Settings;

/// <summary>One CSV column: its header, the dot path of the JSON value inside a record, and an optional formatter.</summary>
internal sealed record ColumnSpec(string Header, IReadOnlyList<string> Path, ColumnFormatter? Formatter = null)
{
    /// <summary>
    /// Parses <c>title,Start=started_at|datetime:yyyy/MM/dd HH:mm,Tags=tags|join:;,group.title</c>: each column is
    /// <c>json.path</c> or <c>Header=json.path</c>, optionally followed by <c>|formatter:argument</c>
    /// (see <see cref="ColumnFormatter"/>). Columns are separated by commas; <c>\,</c> is a comma inside a column
    /// (a header, or a formatter's argument such as <c>join:\,</c>). No other backslash is special, so .NET date
    /// formats keep theirs.
    /// </summary>
    public static IReadOnlyList<ColumnSpec> ParseList(string text, List<string> errors)
    {
        var columns = new List<ColumnSpec>();
        foreach (var raw in SplitColumns(text))
        {
            var bar = raw.IndexOf('|');
            var item = (bar < 0 ? raw : raw[..bar]).Trim();
            var equals = item.IndexOf('=');
            var header = (equals < 0 ? item : item[..equals]).Trim();
            var path = (equals < 0 ? item : item[(equals + 1)..]).Trim();
            var segments = path.Split('.');
            if (header.Length == 0 || path.Length == 0 || segments.Any(s => s.Length == 0))
            {
                errors.Add($"{SettingNames.Columns}: column '{raw.Trim()}' must be 'json.path' or 'Header=json.path' with no empty parts");
                continue;
            }
            ColumnFormatter? formatter = null;
            if (bar >= 0)
            {
                formatter = ColumnFormatter.Parse(raw[(bar + 1)..], out var problem);
                if (problem is not null) errors.Add($"{SettingNames.Columns}: column '{header}' {problem}");
            }
            columns.Add(new ColumnSpec(header, segments, formatter));
        }
        var duplicate = columns.GroupBy(c => c.Header).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            errors.Add($"{SettingNames.Columns}: header '{duplicate.Key}' appears more than once; name one of them with 'Header=json.path'");
        return columns;
    }

    /// <summary>Splits on commas not preceded by a backslash, turning each <c>\,</c> into a comma.</summary>
    private static List<string> SplitColumns(string text)
    {
        var items = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == ',')
            {
                current.Append(',');
                i++;
            }
            else if (text[i] == ',')
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
