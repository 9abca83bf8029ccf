using System.Globalization;
using S3ZipExport.Contract;
using S3ZipExport.Export;
using S3ZipExport.Records;
using S3ZipExport.Settings;
using S3ZipExport.Source;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// <c>--discover [--records N]</c>: reads the first N records as the export would and prints where they are (the records
/// path used, or found), every path inside them with its types, presence, nulls, longest value and an example, and
/// an EXPORT_COLUMNS line to paste. Uploads nothing.
/// </summary>
internal static class Discovery
{
    public const int DefaultRecords = 1_000;
    private const int MaxCells = 40;

    public static async Task RunAsync(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation, int limit, TextWriter output, CancellationToken ct)
    {
        var (plan, source) = await FirstRecords.PrepareAsync(environment, invocation, ct);
        var recordsPathSet = new SettingValues(environment, invocation).Raw(SettingNames.RecordsPath) is not null;
        var shapes = new RecordShapes();
        FirstRecords.Read read;
        try
        {
            read = await FirstRecords.ReadAsync(WithoutColumns(plan), source, shapes, limit, ct);
            output.WriteLine(plan.Source.Format == SourceFormat.Ndjson
                ? $"records: one per line ({SettingNames.SourceFormat}=ndjson)"
                : $"records path: {PathUsed(plan.Records.RecordsPath, recordsPathSet)}");
        }
        catch (BadInputException e) when (!recordsPathSet && shapes.Records == 0 && e.GetBaseException() is RecordsPathException)
        {
            // The default records path is not in this API's documents: look for the arrays it could be, as the user would.
            output.WriteLine($"records path: '{RecordOptions.DefaultRecordsPath}', the default ({SettingNames.RecordsPath} is unset), does not fit: {e.Message}");
            var candidates = await FindArraysAsync(plan, source, limit, ct);
            if (RecordArrays.Best(candidates) is not { } best)
            {
                output.WriteLine("The first document holds no array of objects.");
                throw;
            }
            output.WriteLine("arrays of objects in the first document:");
            foreach (var line in TextTable.Render(null, candidates.Select(c => (IReadOnlyList<string>)
                         [ArrayName(c.Path), $"{c.Objects:N0}{(c.Complete ? "" : "+")} object{(c.Objects == 1 ? "" : "s")}", c.Others switch { 0 => "", 1 => "and 1 value that is not an object", _ => $"and {c.Others:N0} values that are not objects" }]),
                         MaxCells, new HashSet<int> { 1 }))
                output.WriteLine("  " + line);
            var found = ColumnSuggestion.DotPath(best.Path);
            output.WriteLine($"records path: {ArrayName(best.Path)}, the largest; to use it: {SettingNames.RecordsPath}={found}");
            plan = SettingsReader.ReadWithoutUpload(new Dictionary<string, string?>(environment) { [SettingNames.RecordsPath] = found }, invocation);
            read = await FirstRecords.ReadAsync(WithoutColumns(plan), source, shapes, limit, ct);
        }

        output.WriteLine(Summary(read, limit, "--records"));
        if (shapes.Records == 0) return;
        output.WriteLine();
        foreach (var line in TextTable.Render(["path", "types", "present", "null", "longest", "example"],
                     shapes.Root.All().Select(s => Row(s, shapes.Records)), MaxCells, new HashSet<int> { 2, 3, 4 }))
            output.WriteLine(line);
        output.WriteLine();
        output.WriteLine($"present: records that have the path, of {shapes.Records:N0}; null: records where it is null; longest: characters");
        output.WriteLine($"(arrays: items); |join: an array of strings, numbers or booleans, which a column can join with |join:SEPARATOR.");
        output.WriteLine();
        var suggestion = ColumnSuggestion.For(shapes.Root.All());
        output.WriteLine($"{SettingNames.Columns} with every path that is not an object, quoted for a shell:");
        output.WriteLine(ColumnSuggestion.ShellLine(suggestion.Columns));
        if (suggestion.LeftOut.Count > 0)
            output.WriteLine($"Left out, as {SettingNames.Columns} cannot name them: {string.Join(", ", suggestion.LeftOut.Select(p => $"'{p}'"))}");
    }

    /// <summary>One line on what was read: records, requests, bytes, and whether reading stopped at the limit.</summary>
    public static string Summary(FirstRecords.Read read, int limit, string option)
    {
        var skipped = read.SkippedRecords > 0 ? $" ({read.SkippedRecords:N0} bad record{(read.SkippedRecords == 1 ? "" : "s")} skipped, {SettingNames.OnBadRecord}=skip)" : "";
        var requests = read.Requests == 1 ? "1 request" : $"{read.Requests:N0} requests";
        var end = read.StoppedEarly ? $"stopped there ({option} {limit})" : "the whole source";
        return string.Create(CultureInfo.InvariantCulture,
            $"read {read.Records:N0} records{skipped} in {requests}, {read.SourceBytes / 1e6:N1} MB of the source; {end}");
    }

    /// <summary>
    /// The reader with no columns: its extractor then skips every property without looking inside, and no column
    /// formatter can turn a record into a bad one; whole records reach <see cref="RecordShapes"/> all the same.
    /// </summary>
    private static ExportPlan WithoutColumns(ExportPlan plan) => plan with { Records = plan.Records with { Columns = [] } };

    private static string PathUsed(IReadOnlyList<string> path, bool set) =>
        path.Count == 0 ? $"none, the document is the array ({SettingNames.RecordsPath} is empty)"
        : set ? $"{ColumnSuggestion.DotPath(path)} ({SettingNames.RecordsPath})"
        : $"{ColumnSuggestion.DotPath(path)}, the default ({SettingNames.RecordsPath} is unset)";

    private static string ArrayName(IReadOnlyList<string> path) => path.Count == 0 ? "(the document itself)" : ColumnSuggestion.DotPath(path);

    /// <summary>The first document again (page 1 of URL 1), through the same source: its pacing and API key hold.</summary>
    private static async Task<IReadOnlyList<RecordArrays.Candidate>> FindArraysAsync(ExportPlan plan, HttpSource source, int enough, CancellationToken ct)
    {
        var url = plan.Source.Urls[0];
        var first = plan.Source.Paging is { } p ? PageUrl.With(url, p.StartParam, p.StartBase, p.SizeParam, p.Size) : url;
        await using var body = await source.OpenAsync(first, url, ct);
        return await RecordArrays.FindAsync(body.Content, enough, ct);
    }

    private static IReadOnlyList<string> Row(RecordShapes.PathShape shape, long records)
    {
        var percent = shape.Present == records ? "100" : shape.Present * 100 / records is var p && p > 0 ? $"{p}" : "<1";
        var longest = new List<string>();
        if (shape.LongestText >= 0) longest.Add($"{shape.LongestText:N0}");
        if (shape.MostItems >= 0) longest.Add(shape.MostItems == 1 ? "1 item" : $"{shape.MostItems:N0} items");
        return [ColumnSuggestion.ColumnPath(shape.Path), Types(shape), $"{shape.Present:N0} ({percent}%)", $"{shape.Nulls:N0}",
            string.Join(", ", longest), shape.Example ?? ""];
    }

    private static string Types(RecordShapes.PathShape shape)
    {
        var types = new List<string>();
        foreach (var (kind, name) in Names)
        {
            if ((shape.Kinds & kind) == 0) continue;
            if (kind != RecordShapes.JsonKinds.Array) types.Add(name);
            else if (shape.ItemKinds == RecordShapes.JsonKinds.None) types.Add("array (empty)");
            else types.Add("array of " + string.Join("/", Names.Where(n => (shape.ItemKinds & n.Kind) != 0).Select(n => n.Name))
                           + (shape.Joinable ? " |join" : ""));
        }
        return string.Join(", ", types);
    }

    private static readonly (RecordShapes.JsonKinds Kind, string Name)[] Names =
    [
        (RecordShapes.JsonKinds.String, "string"), (RecordShapes.JsonKinds.Number, "number"), (RecordShapes.JsonKinds.Boolean, "boolean"),
        (RecordShapes.JsonKinds.Object, "object"), (RecordShapes.JsonKinds.Array, "array"), (RecordShapes.JsonKinds.Null, "null"),
    ];
}
