using System.Text;
using System.Text.RegularExpressions;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

/// <summary>
/// The JSON document reader and the JSON Lines reader are twins: the same records give the same rows, the same bad
/// records are skipped or fatal alike under EXPORT_ON_BAD_RECORD, and the same record is named when one fails. Each
/// case is a list of records, read once as <c>{"events":[...]}</c> and once as one record per line.
/// </summary>
public partial class TwinReaderTests
{
    private const string Columns = "id,t,g.x,a.b\\.c,tags|join:;,At=at|datetime:yyyy-MM-dd";

    public static TheoryData<string, string[]> Cases => new()
    {
        { "plain objects", [@"{""id"":1,""t"":""a""}", @"{""id"":2}"] },
        { "not an object: number", [@"{""id"":1}", "5", @"{""id"":3}"] },
        { "not an object: string", [@"{""id"":1}", @"""text""", @"{""id"":3}"] },
        { "not an object: array", [@"{""id"":1}", @"[{""id"":2}]", @"{""id"":3}"] },
        { "not an object: null", ["null", @"{""id"":2}"] },
        { "not an object: boolean", [@"{""id"":1}", "true"] },
        { "formatter failure", [@"{""id"":1,""at"":""2026-12-01""}", @"{""id"":2,""at"":""someday""}", @"{""id"":3}"] },
        { "join of an object", [@"{""id"":1,""tags"":{""a"":1}}", @"{""id"":2,""tags"":[""x"",""y""]}"] },
        { "malformed record", [@"{""id"":1}", @"{""id"":2,}", @"{""id"":3}"] },
        { "malformed value that is not an object", [@"{""id"":1}", "[1,}", @"{""id"":3}"] },
        { "invalid escape", [@"{""id"":1,""t"":""\q""}"] },
        { "lone surrogate becomes U+FFFD", [@"{""id"":1,""t"":""a\ud83c""}"] },
        { "escaped text and nesting", [@"{""g"":{""x"":""\u52c9\u5f37""},""id"":7,""tags"":[1,null,true]}"] },
        { "a dot inside a property name", [@"{""a"":{""b.c"":1,""b"":{""c"":2}},""a.b"":{""c"":3}}"] },
        { "repeated names: the last one wins", [@"{""id"":1,""id"":2,""g"":{""x"":""first""},""g"":{""y"":0},""t"":""t1"",""t"":null}"] },
        { "repeated object after a value", [@"{""g"":5,""g"":{""x"":""obj""}}", @"{""g"":{""x"":""obj""},""g"":5}"] },
        { "deeply nested unselected field", [@"{""id"":1,""deep"":" + new string('[', 200) + new string(']', 200) + "}"] },
        { "deeply nested selected column", [@"{""id"":1,""g"":{""x"":" + new string('[', 100) + new string(']', 100) + "}}"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Both_readers_agree_when_bad_records_fail(string name, string[] records)
    {
        var json = await ReadAsync(JsonDocumentOf(records), ndjson: false, OnBadRecord.Fail);
        var lines = await ReadAsync(string.Join("\n", records), ndjson: true, OnBadRecord.Fail);
        AssertSame(name, json, lines);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Both_readers_agree_when_bad_records_are_skipped(string name, string[] records)
    {
        var json = await ReadAsync(JsonDocumentOf(records), ndjson: false, OnBadRecord.Skip);
        var lines = await ReadAsync(string.Join("\n", records), ndjson: true, OnBadRecord.Skip);
        AssertSame(name, json, lines);
    }

    [Fact]
    public async Task The_rules_the_cases_rely_on_hold()
    {
        var last = await ReadAsync(JsonDocumentOf([@"{""id"":1,""id"":2,""g"":{""x"":""first""},""g"":{""y"":0},""t"":""t1"",""t"":null}"]), ndjson: false, OnBadRecord.Fail);
        Assert.Equal(["2", "", "", "", "", ""], Assert.Single(last.Rows));

        var dotted = await ReadAsync(JsonDocumentOf([@"{""a"":{""b.c"":1,""b"":{""c"":2}},""a.b"":{""c"":3}}"]), ndjson: false, OnBadRecord.Fail);
        Assert.Equal("1", Assert.Single(dotted.Rows)[3]);

        var skipped = await ReadAsync(JsonDocumentOf([@"{""id"":1}", "5", @"{""id"":3}"]), ndjson: false, OnBadRecord.Skip);
        Assert.Equal(1, skipped.Skipped);
        Assert.Equal(["1", "3"], skipped.Rows.Select(r => r[0]));

        var failed = await ReadAsync(string.Join("\n", [@"{""id"":1}", @"{""id"":2,""at"":""someday""}"]), ndjson: true, OnBadRecord.Fail);
        Assert.Equal(2, failed.FailedRecord);
        Assert.IsType<BadRecordException>(failed.Error);
    }

    private sealed record Outcome(IReadOnlyList<string[]> Rows, long Skipped, Exception? Error)
    {
        /// <summary>The record an error names ("record N", counted from 1), or null.</summary>
        public long? FailedRecord => Error is null ? null
            : RecordNumber().Match(Error.Message) is { Success: true } m ? long.Parse(m.Groups[1].Value) : -1;
    }

    [GeneratedRegex(@"[Rr]ecord (\d+)")]
    private static partial Regex RecordNumber();

    private static void AssertSame(string name, Outcome json, Outcome lines)
    {
        Assert.True(json.Rows.Count == lines.Rows.Count, $"{name}: {json.Rows.Count} rows from JSON, {lines.Rows.Count} from JSON Lines");
        for (var i = 0; i < json.Rows.Count; i++) Assert.Equal(json.Rows[i], lines.Rows[i]);
        Assert.Equal(json.Skipped, lines.Skipped);
        Assert.Equal(json.Error?.GetType(), lines.Error?.GetType());
        Assert.Equal(json.FailedRecord, lines.FailedRecord);
    }

    private static string JsonDocumentOf(string[] records) => $"{{\"events\":[{string.Join(",", records)}]}}";

    private static async Task<Outcome> ReadAsync(string text, bool ndjson, OnBadRecord onBadRecord)
    {
        var sink = new CollectingSink();
        var extraction = TestReaders.Extraction(Columns, onBadRecord);
        var body = new MemoryStream(Encoding.UTF8.GetBytes(text));
        RecordReader reader = ndjson
            ? new NdjsonRecordReader(body, "application/x-ndjson", extraction)
            : new JsonRecordReader(body, ["events"], "application/json", extraction);
        Exception? error = null;
        try { await reader.ReadAsync(sink, CancellationToken.None); }
        catch (BadInputException e) { error = e; }
        return new Outcome(sink.Records.Select(r => r.Fields).ToList(), extraction.BadRecords.Skipped, error);
    }
}
