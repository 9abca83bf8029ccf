using S3ZipExport.Contract;
using S3ZipExport.Settings;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// An EXPORT_COLUMNS value for the paths --discover found, spelled as <see cref="ColumnListParser"/> reads it: a dot
/// inside a name as <c>\.</c>, a comma as <c>\,</c>, a name with <c>=</c> given a header of its own, an array of
/// scalars joined with <c>|join:;</c>. Every column is read back with the parser itself, so the line works as pasted;
/// a name the syntax cannot express (a <c>|</c> in it, spaces around it, an empty name) is left out and reported.
/// </summary>
internal static class ColumnSuggestion
{
    public const string JoinFormatter = "|join:;";

    public sealed record Suggestion(string Columns, IReadOnlyList<string> LeftOut);

    /// <summary>A dot path as EXPORT_RECORDS_PATH and EXPORT_PAGE_TOTAL_PATH spell it: a dot inside a name as <c>\.</c>.</summary>
    public static string DotPath(IReadOnlyList<string> path) => string.Join('.', path.Select(name => name.Replace(".", @"\.")));

    /// <summary>A dot path as a column of EXPORT_COLUMNS spells it: commas inside names escaped too.</summary>
    public static string ColumnPath(IReadOnlyList<string> path) => DotPath(path).Replace(",", @"\,");

    /// <summary>A path is a column when it holds something other than an object (or nothing below it was seen).</summary>
    public static bool IsColumn(RecordShapes.PathShape shape) =>
        shape.Children.Count == 0 || (shape.Kinds & ~(RecordShapes.JsonKinds.Object | RecordShapes.JsonKinds.Null)) != 0;

    public static Suggestion For(IEnumerable<RecordShapes.PathShape> shapes)
    {
        var items = new List<string>();
        var leftOut = new List<string>();
        var headers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shape in shapes.Where(IsColumn))
        {
            var path = ColumnPath(shape.Path);
            var header = string.Join('.', shape.Path);
            var named = path.Contains('=') || headers.Contains(header);
            if (named)
            {
                header = header.Replace('=', '_');
                for (var n = 2; headers.Contains(header); n++) header = $"{string.Join('.', shape.Path).Replace('=', '_')}_{n}";
            }
            var item = (named ? header.Replace(",", @"\,") + "=" : "") + path + (shape.Joinable ? JoinFormatter : "");
            if (ReadsBackAs(item, shape.Path, header))
            {
                items.Add(item);
                headers.Add(header);
            }
            else leftOut.Add(path);
        }
        return new Suggestion(string.Join(',', items), leftOut);
    }

    /// <summary>The line to paste into a shell: <c>EXPORT_COLUMNS='...'</c>.</summary>
    public static string ShellLine(string columns) => $"{SettingNames.Columns}='{columns.Replace("'", @"'\''")}'";

    private static bool ReadsBackAs(string item, IReadOnlyList<string> path, string header)
    {
        var errors = new List<string>();
        var columns = ColumnListParser.Parse(item, errors);
        return errors.Count == 0 && columns.Count == 1 && columns[0].Header == header && columns[0].Path.SequenceEqual(path);
    }
}
