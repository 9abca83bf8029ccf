namespace S3ZipExport.Settings;

/// <summary>One CSV column: its header and the dot path of the JSON value inside a record.</summary>
internal sealed record ColumnSpec(string Header, IReadOnlyList<string> Path)
{
    /// <summary>Parses <c>title,Start=started_at,group.title</c>: each column is <c>json.path</c> or <c>Header=json.path</c>.</summary>
    public static IReadOnlyList<ColumnSpec> ParseList(string text, List<string> errors)
    {
        var columns = new List<ColumnSpec>();
        foreach (var raw in text.Split(','))
        {
            var item = raw.Trim();
            var equals = item.IndexOf('=');
            var header = (equals < 0 ? item : item[..equals]).Trim();
            var path = (equals < 0 ? item : item[(equals + 1)..]).Trim();
            var segments = path.Split('.');
            if (header.Length == 0 || path.Length == 0 || segments.Any(s => s.Length == 0))
            {
                errors.Add($"{SettingNames.Columns}: column '{item}' must be 'json.path' or 'Header=json.path' with no empty parts");
                continue;
            }
            columns.Add(new ColumnSpec(header, segments));
        }
        var duplicate = columns.GroupBy(c => c.Header).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            errors.Add($"{SettingNames.Columns}: header '{duplicate.Key}' appears more than once; name one of them with 'Header=json.path'");
        return columns;
    }
}
