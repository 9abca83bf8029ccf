using System.Text;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

public class JsonRecordReaderTests
{
    private static async Task<CollectingSink> ReadAsync(string json, string path = "events", int chunk = int.MaxValue)
    {
        var sink = new CollectingSink();
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new JsonRecordReader(new TrickleStream(bytes, chunk), path.Length == 0 ? [] : path.Split('.'), "application/json");
        await reader.ReadAsync(sink, CancellationToken.None);
        Assert.Equal(sink.Records.Count, reader.RecordCount);
        Assert.Equal(bytes.Length, reader.BytesRead);
        return sink;
    }

    private static async Task<BadInputException> FailAsync(byte[] bytes, string path = "events", string contentType = "application/json")
    {
        var reader = new JsonRecordReader(new MemoryStream(bytes), path.Length == 0 ? [] : path.Split('.'), contentType);
        return await Assert.ThrowsAnyAsync<BadInputException>(() => reader.ReadAsync(new CollectingSink(), CancellationToken.None));
    }

    private static Task<BadInputException> FailAsync(string json, string path = "events", string contentType = "application/json") =>
        FailAsync(Encoding.UTF8.GetBytes(json), path, contentType);

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(7)]
    public async Task Records_are_found_after_other_properties_whatever_the_read_sizes(int chunk)
    {
        const string json = """{"results_returned":2,"skip":{"events":[{"x":0}]},"events":[{"a":1},{"b":"}"}],"after":[1]}""";
        var sink = await ReadAsync(json, chunk: chunk);
        Assert.Equal(["""{"a":1}""", """{"b":"}"}"""], sink.Records.Select(r => r.Json));
        Assert.Equal([0L, 1L], sink.Records.Select(r => r.Index));
        Assert.Equal(json.IndexOf("""{"b":""", StringComparison.Ordinal), sink.Records[1].Offset);
    }

    [Fact]
    public async Task Nested_records_path_is_followed_by_dots()
    {
        var sink = await ReadAsync("""{"data":{"items":[{"id":1}]}}""", "data.items", chunk: 3);
        Assert.Equal(["""{"id":1}"""], sink.Records.Select(r => r.Json));
    }

    [Fact]
    public async Task Empty_path_reads_a_document_that_is_the_array()
    {
        var sink = await ReadAsync("""\uFEFF [ {"id":1} , {"id":2} ] """.Replace("\\uFEFF", "\uFEFF"), "");
        Assert.Equal(2, sink.Records.Count);
    }

    [Fact]
    public async Task Empty_records_array_gives_no_records() =>
        Assert.Empty((await ReadAsync("""{"events":[]}""")).Records);

    [Fact]
    public async Task Record_larger_than_the_read_buffer_is_read_whole()
    {
        var big = new string('あ', ReadWindow.InitialBytes);
        var sink = await ReadAsync($$"""{"events":[{"t":"{{big}}"},{"t":"small"}]}""");
        Assert.Equal(2, sink.Records.Count);
        Assert.Contains(big, sink.Records[0].Json);
    }

    [Fact]
    public async Task Missing_records_path_names_the_setting_and_the_property()
    {
        var e = await FailAsync("""{"items":[]}""");
        Assert.Contains("EXPORT_RECORDS_PATH", e.Message);
        Assert.Contains("no property 'events' in the document", e.Message);
    }

    [Fact]
    public async Task Records_path_that_is_not_an_array_says_what_it_is()
    {
        var e = await FailAsync("""{"events":{"a":1}}""");
        Assert.Contains("it is an object, not an array", e.Message);
    }

    [Fact]
    public async Task Html_error_page_is_reported_with_content_type_and_first_bytes()
    {
        var e = await FailAsync("<!DOCTYPE html><html><body>Service Unavailable</body></html>", contentType: "text/html; charset=utf-8");
        Assert.Contains("not JSON", e.Message);
        Assert.Contains("text/html", e.Message);
        Assert.Contains("<!DOCTYPE html>", e.Message);
    }

    [Fact]
    public async Task Truncated_document_is_reported_with_the_record_being_read()
    {
        var e = await FailAsync("""{"events":[{"a":1},{"a":2},{"a":""");
        Assert.Contains("record 2", e.Message);
        Assert.Contains("byte offset", e.Message);
    }

    [Fact]
    public async Task Truncated_after_the_records_is_still_an_error() =>
        await FailAsync("""{"events":[{"a":1}],"more":""");

    [Fact]
    public async Task Malformed_JSON_gives_the_byte_offset()
    {
        var e = await FailAsync("""{"events":[{"a":1},{"a":tru}]}""");
        Assert.Matches(@"byte offset \d+", e.Message);
        Assert.Contains("record 1", e.Message);
    }

    [Fact]
    public async Task A_record_that_is_not_an_object_is_named_by_index_and_offset()
    {
        var e = await FailAsync("""{"events":[{"a":1},"oops"]}""");
        Assert.Contains("Record 1 at byte offset 19 is a string", e.Message);
    }

    [Fact]
    public async Task Empty_body_is_reported() =>
        Assert.Contains("empty", (await FailAsync("")).Message);
}
