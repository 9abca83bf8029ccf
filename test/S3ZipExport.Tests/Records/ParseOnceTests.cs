using System.IO.Pipelines;
using System.Text;
using S3ZipExport.Csv;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

/// <summary>
/// The record reader finds each record's column values in its own pass over the buffered bytes, which may end
/// anywhere inside a record, so each record is parsed once. Whatever the read sizes, the CSV and every error must be
/// what reading the whole document in one buffer gives.
/// </summary>
public class ParseOnceTests
{
    private const string Columns = "id,t,Group=group.title,group.id,tags,group,n,Day=at|datetime:yyyy/MM/dd";

    private static readonly string Document = $$$"""
        {"count":4,"events":[
          {"id":1,"t":"plain","group":{"id":7,"title":"G \"one\"","skip":{"deep":[1,{"x":"}"}]}},"tags":["a", "b"],"n":1.5e3,"at":"2026-12-01T19:00:00+09:00"},
          {"skip":[[[]]],"t":"escaped \u52c9\u5f37 \ud83c\udf89 and a lone \ud83c, \"quoted\"\nnewline","id":2,"n":true,"group":null},
          {"id":3,"t":"{{{new string('x', 700_000)}}}","tags":{"k" : [ 1 , "v" ]},"n":-0.25},
          {"id":4,"t":"日本語のテキスト","group":{"title":"最後"},"at":"2026-01-02"}
        ],"after":{"events":[{"id":99}]}}
        """;

    private static async Task<(string Csv, Exception? Error)> RunAsync(byte[] source, int chunk, string columns = Columns, bool ndjson = false)
    {
        var errors = new List<string>();
        var specs = S3ZipExport.Settings.ColumnListParser.Parse(columns, errors);
        Assert.Empty(errors);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var sink = new CsvRowWriter(pipe.Writer, specs);
        var body = new TrickleStream(source, chunk);
        RecordReader reader = ndjson ? TestReaders.Ndjson(body, columns) : TestReaders.Json(body, columns: columns);
        Exception? error = null;
        try { await reader.ReadAsync(sink, CancellationToken.None); }
        catch (BadInputException e) { error = e; }
        pipe.Writer.Complete();
        using var output = new MemoryStream();
        await pipe.Reader.AsStream().CopyToAsync(output);
        return (Encoding.UTF8.GetString(output.ToArray()), error);
    }

    /// <summary>The error of reading in chunks of <paramref name="chunk"/> bytes, which must be that of one whole buffer.</summary>
    private static async Task<Exception> SameErrorWholeAndInChunksAsync(byte[] source, int chunk, string columns = Columns, bool ndjson = false)
    {
        var (_, chunked) = await RunAsync(source, chunk, columns, ndjson);
        var (_, whole) = await RunAsync(source, int.MaxValue, columns, ndjson);
        Assert.NotNull(chunked);
        Assert.NotNull(whole);
        Assert.Equal(whole.GetType(), chunked.GetType());
        Assert.Equal(whole.Message, chunked.Message);
        return chunked;
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(64 * 1024)]
    [InlineData(7)]
    [InlineData(1)]
    public async Task Rows_are_the_same_whatever_the_read_sizes(int chunk)
    {
        var source = Encoding.UTF8.GetBytes(Document);
        var (once, onceError) = await RunAsync(source, chunk);
        var (twice, _) = await RunAsync(source, int.MaxValue);
        Assert.Null(onceError);
        Assert.Equal(twice, once);
        Assert.StartsWith("id,t,Group,group.id,tags,group,n,Day\r\n1,plain,\"G \"\"one\"\"\",7,\"[\"\"a\"\",\"\"b\"\"]\",", once);
        Assert.Contains("\r\n2,\"escaped 勉強 🎉 and a lone \uFFFD, \"\"quoted\"\"\nnewline\",,,,,true,\r\n", once);
        Assert.Contains($"\r\n3,{new string('x', 700_000)},,,\"{{\"\"k\"\":[1,\"\"v\"\"]}}\",,-0.25,\r\n", once);
        Assert.EndsWith("\r\n4,日本語のテキスト,最後,,,\"{\"\"title\"\":\"\"最後\"\"}\",,2026/01/02\r\n", once);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(5)]
    public async Task JSON_Lines_rows_are_the_same_whatever_the_read_sizes(int chunk)
    {
        var source = Encoding.UTF8.GetBytes(
            "{\"id\":1,\"t\":\"a\\\"b\",\"group\":{\"title\":\"g\"}}\r\n\r\n  {\"t\":\"\\u00e9\",\"id\":2,\"tags\":[1,2]}  \n{\"id\":3}");
        var (once, onceError) = await RunAsync(source, chunk, ndjson: true);
        var (twice, _) = await RunAsync(source, int.MaxValue, ndjson: true);
        Assert.Null(onceError);
        Assert.Equal(twice, once);
        Assert.Contains("\r\n2,é,,,\"[1,2]\",,,\r\n", once);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(3)]
    public async Task Invalid_UTF8_is_named_by_its_byte_offset_and_record(int chunk)
    {
        var prefix = Encoding.UTF8.GetBytes("""{"events":[{"id":1},{"id":2,"t":"ok é """);
        var source = prefix.Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("""  "}]}""")).ToArray();
        var e = await SameErrorWholeAndInChunksAsync(source, chunk);
        Assert.Equal($"Invalid UTF-8 at byte offset {prefix.Length} of the source, in record 2.", e.Message);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(4)]
    public async Task Invalid_UTF8_in_an_escaped_string_is_named_too(int chunk)
    {
        var prefix = Encoding.UTF8.GetBytes("""{"events":[{"t":"a\n""");
        var source = prefix.Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("""  "}]}""")).ToArray();
        var e = await SameErrorWholeAndInChunksAsync(source, chunk);
        Assert.Equal($"Invalid UTF-8 at byte offset {prefix.Length} of the source, in record 1.", e.Message);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(2)]
    public async Task Formatter_failure_is_a_bad_record_at_its_offset(int chunk)
    {
        const string json = """{"events":[{"at":"2026-01-02"}, {"at":"tomorrow"}]}""";
        var e = Assert.IsType<BadRecordException>(await SameErrorWholeAndInChunksAsync(Encoding.UTF8.GetBytes(json), chunk));
        Assert.Equal(1, e.Index);
        Assert.StartsWith($"Record 2 (at byte offset {json.IndexOf("""{"at":"tomorrow""", StringComparison.Ordinal)}), column 'Day'", e.Message);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(3)]
    public async Task A_record_that_is_not_an_object_is_still_a_bad_record(int chunk)
    {
        const string json = """{"events":[{"id":1},[{"id":2}]]}""";
        var e = Assert.IsType<BadRecordException>(await SameErrorWholeAndInChunksAsync(Encoding.UTF8.GetBytes(json), chunk));
        Assert.Equal($"Record 2 (at byte offset {json.IndexOf("""[{"id":2""", StringComparison.Ordinal)}) is an array, not an object.", e.Message);
    }

    [Theory]
    [InlineData("""{"events":[{"id":1},{"id":2,"group":{"title":"x",}}]}""")]
    [InlineData("""{"events":[{"id":1},{"id":2,"t":"x" "n":1}]}""")]
    [InlineData("""{"events":[{"id":1},{"id":2,"skip":[1 2]}]}""")]
    [InlineData("""{"events":[{"id":1},{"id":2,"t":"unterminated}]}""")]
    [InlineData("""{"events":[{"id":1},{"id":2,"group":{"id":""")]
    public async Task Invalid_JSON_inside_a_record_fails_the_same_way(string json)
    {
        foreach (var chunk in new[] { int.MaxValue, 1, 6 })
        {
            var e = await SameErrorWholeAndInChunksAsync(Encoding.UTF8.GetBytes(json), chunk);
            Assert.Contains("record 2", e.Message);
        }
    }

    [Fact]
    public async Task Invalid_JSON_Line_fails_the_same_way()
    {
        var source = Encoding.UTF8.GetBytes("{\"id\":1}\n{\"id\":2,\"t\":\"x\",}\n");
        var e = await SameErrorWholeAndInChunksAsync(source, 3, ndjson: true);
        Assert.StartsWith("Line 2 of the JSON Lines source is not one valid JSON value", e.Message);
    }
}
