using System.Text;
using S3ZipExport.Records;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Records;

/// <summary>
/// The readers with the record scanner against the readers without it (every record through Utf8JsonReader, as before
/// the scanner), on random documents, compact and pretty-printed, valid and with one bad byte anywhere (before, inside
/// or after the records), read in pieces of many sizes and with small record limits: the same rows, offsets, skipped
/// records, totals, and the same error with the same message, position and record number.
/// </summary>
public class ScannedReaderTests
{
    private const string Columns = "id,t,Group=g.x,g,tags|join:;,n,description";

    private static readonly int[] Chunks = [1, 2, 3, 5, 8, 13, 31, 64, 257, int.MaxValue];

    [Theory]
    [InlineData(1, "events")]
    [InlineData(2, "events")]
    [InlineData(3, "data.items")]
    [InlineData(4, "")]
    public async Task JSON_documents_read_the_same_with_and_without_the_scanner(int seed, string path)
    {
        var random = new RandomJson(seed) { EscapedNames = true };
        for (var n = 0; n < 40; n++)
        {
            var document = Encoding.UTF8.GetBytes(Document(random, path));
            if (random.Next(3) > 0) document = random.Edit(document);
            if (random.Next(6) == 0) document = [0xEF, 0xBB, 0xBF, .. document];
            var maxRecordBytes = random.Next(4) == 0 ? 40 + random.Next(200) : ReadWindow.DefaultMaxRecordBytes;
            foreach (var chunk in Chunks)
                await AssertSameAsync(document, chunk, maxRecordBytes, scans => Json(document, chunk, path, scans, maxRecordBytes));
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public async Task JSON_Lines_read_the_same_with_and_without_the_scanner(int seed)
    {
        var random = new RandomJson(seed) { EscapedNames = true };
        for (var n = 0; n < 40; n++)
        {
            var lines = Enumerable.Range(0, random.Next(6)).Select(_ => Record(random).Replace("\n", " ").Replace("\r", " "));
            var text = string.Join(random.Next(2) == 0 ? "\n" : "\r\n", lines);
            var document = Encoding.UTF8.GetBytes(text);
            if (random.Next(2) == 0) document = random.Edit(document);
            foreach (var chunk in Chunks)
                await AssertSameAsync(document, chunk, ReadWindow.DefaultMaxRecordBytes,
                    scans => new NdjsonRecordReader(new TrickleStream(document, chunk), "application/x-ndjson", Extraction(scans, ReadWindow.DefaultMaxRecordBytes)));
        }
    }

    [Fact]
    public async Task An_error_after_scanned_records_of_a_pretty_printed_document_has_its_line_and_column()
    {
        var document = "{\n  \"events\": [\n    {\"id\": 1},\n    {\"id\": 2}\n  ],\n  \"after\": [1,]\n}";
        var bytes = Encoding.UTF8.GetBytes(document);
        var e = await Assert.ThrowsAsync<BadInputException>(() => Json(bytes, int.MaxValue, "events", scans: true, ReadWindow.DefaultMaxRecordBytes)
            .ReadAsync(new CollectingSink(), CancellationToken.None));
        Assert.StartsWith("The source is not valid JSON at line 6, column 15 (columns count bytes): The JSON array contains a trailing comma", e.Message);
        await AssertSameAsync(bytes, int.MaxValue, ReadWindow.DefaultMaxRecordBytes, scans => Json(bytes, int.MaxValue, "events", scans, ReadWindow.DefaultMaxRecordBytes));
    }

    [Theory]
    [InlineData("""{"id":2,"skip":"a\u0001b"}""", "is invalid within a JSON string")]
    [InlineData("""{"id":2,"skip":"a\qb"}""", "is an invalid escapable character")]
    [InlineData("""{"id":2,"skip":[1,]}""", "trailing comma")]
    [InlineData("""{"id":2,"skip":{"a" 1}}""", "is invalid after a property name")]
    [InlineData("""{"id":2,"skip":01}""", "Invalid leading zero")]
    [InlineData("""{"id":2,"skip":tru}""", "is an invalid JSON literal")]
    [InlineData("""{"id":2,"skip":{"deep":[1 2]}}""", "is invalid after a value")]
    public async Task A_malformed_value_the_export_skips_still_fails_it_with_the_readers_message(string record, string problem)
    {
        var bytes = Encoding.UTF8.GetBytes($$"""{"events":[{"id":1},{{record.Replace("\\u0001", "\u0001")}}]}""");
        var e = await Assert.ThrowsAsync<BadInputException>(() => Json(bytes, int.MaxValue, "events", scans: true, ReadWindow.DefaultMaxRecordBytes)
            .ReadAsync(new CollectingSink(), CancellationToken.None));
        Assert.StartsWith("The source is not valid JSON at byte offset ", e.Message);
        Assert.Contains(", in record 2: ", e.Message);
        Assert.Contains(problem, e.Message);
        await AssertSameAsync(bytes, 3, ReadWindow.DefaultMaxRecordBytes, scans => Json(bytes, 3, "events", scans, ReadWindow.DefaultMaxRecordBytes));
    }

    private static string Document(RandomJson random, string path)
    {
        var records = Enumerable.Range(0, random.Next(7)).Select(_ => random.Space() + (random.Next(8) == 0 ? random.Value(2) : Record(random)) + random.Space());
        var array = $"[{string.Join(",", records)}]";
        if (path.Length == 0) return random.Space() + array + random.Space();
        var segments = path.Split('.');
        var inner = array;
        for (var i = segments.Length - 1; i >= 0; i--)
            inner = $"{{{random.Space()}\"skip\":{random.Value(2)},{random.Space()}\"{segments[i]}\":{random.Space()}{inner}{random.Space()},\"results_available\":{random.Next(10)}}}";
        return random.Space() + inner + random.Space();
    }

    /// <summary>A record most of the time with the columns' names and text with escapes; an edit may make it anything.</summary>
    private static string Record(RandomJson random) =>
        random.Next(4) == 0 ? random.Object(2) : $"{{\"id\":{random.Next(1000)},\"description\":{random.String()},\"skip\":{random.Value(2)},\"g\":{random.Object(1)},\"t\":{random.String()}}}";

    private static async Task AssertSameAsync(byte[] document, int chunk, int maxRecordBytes, Func<bool, RecordReader> reader)
    {
        var scanned = await ReadAsync(reader(true));
        var read = await ReadAsync(reader(false));
        Assert.True(read == scanned, $"chunk {chunk}, records up to {maxRecordBytes} bytes:\nwithout the scanner: {read}\nwith the scanner:    {scanned}\n" +
                                     $"document: {Encoding.UTF8.GetString(document)} ({Convert.ToHexString(document)})");
    }

    private static JsonRecordReader Json(byte[] document, int chunk, string path, bool scans, int maxRecordBytes) =>
        new(new TrickleStream(document, chunk), path.Length == 0 ? [] : path.Split('.'), "application/json", Extraction(scans, maxRecordBytes), ["results_available"]);

    private static RecordExtraction Extraction(bool scans, int maxRecordBytes)
    {
        var errors = new List<string>();
        var columns = ColumnListParser.Parse(Columns, errors);
        Assert.Empty(errors);
        return new RecordExtraction(new RecordOptions { Columns = columns, OnBadRecord = OnBadRecord.Skip, MaxRecordBytes = maxRecordBytes }) { ScansRecords = scans };
    }

    /// <summary>Everything a reader gives: rows with their index and offset, counts, the total, and its error.</summary>
    private static async Task<string> ReadAsync(RecordReader reader)
    {
        var sink = new CollectingSink();
        string error;
        try
        {
            await reader.ReadAsync(sink, CancellationToken.None);
            error = "none";
        }
        catch (BadInputException e) { error = $"{e.GetType().Name}: {e.Message}"; }
        var rows = sink.Records.Select(r => $"{r.Index}@{r.Offset}:{string.Join("|", r.Fields)}");
        return $"records {reader.RecordCount}, bytes {reader.BytesRead}, total {reader.Total}, error {error}, rows [{string.Join("; ", rows)}]";
    }
}
