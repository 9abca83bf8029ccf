using System.Text;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

public class JsonRecordReaderTests
{
    private static async Task<CollectingSink> ReadAsync(string json, string path = "events", int chunk = int.MaxValue, string columns = "id")
    {
        var sink = new CollectingSink();
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = TestReaders.Json(new TrickleStream(bytes, chunk), path, columns);
        await reader.ReadAsync(sink, CancellationToken.None);
        Assert.Equal(sink.Records.Count, reader.RecordCount);
        Assert.Equal(bytes.Length, reader.BytesRead);
        return sink;
    }

    private static async Task<BadInputException> FailAsync(byte[] bytes, string path = "events", string contentType = "application/json")
    {
        var reader = TestReaders.Json(new MemoryStream(bytes), path, contentType: contentType);
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
        var sink = await ReadAsync(json, chunk: chunk, columns: "a,b");
        Assert.Equal([["1", ""], ["", "}"]], sink.Records.Select(r => r.Fields));
        Assert.Equal([0L, 1L], sink.Records.Select(r => r.Index));
        Assert.Equal(json.IndexOf("""{"b":""", StringComparison.Ordinal), sink.Records[1].Offset);
    }

    [Fact]
    public async Task Nested_records_path_is_followed_by_dots()
    {
        var sink = await ReadAsync("""{"data":{"items":[{"id":1}]}}""", "data.items", chunk: 3);
        Assert.Equal(["1"], sink.First);
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
        var sink = await ReadAsync($$"""{"events":[{"t":"{{big}}"},{"t":"small"}]}""", columns: "t");
        Assert.Equal([big, "small"], sink.First);
    }

    [Fact]
    public async Task Missing_records_path_names_the_setting_and_the_property()
    {
        var e = await FailAsync("""{"items":[]}""");
        Assert.IsType<RecordsPathException>(e);
        Assert.Contains("EXPORT_RECORDS_PATH", e.Message);
        Assert.Contains("no property 'events' in the document", e.Message);
    }

    [Fact]
    public async Task Records_path_that_is_not_an_array_says_what_it_is()
    {
        var e = await FailAsync("""{"events":{"a":1}}""");
        Assert.IsType<RecordsPathException>(e);
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
        Assert.Contains("record 3", e.Message);
        Assert.Contains("byte offset", e.Message);
    }

    [Fact]
    public async Task Truncated_after_the_records_is_still_an_error() =>
        await FailAsync("""{"events":[{"a":1}],"more":""");

    [Fact]
    public async Task Malformed_JSON_gives_the_byte_offset()
    {
        const string json = """{"events":[{"a":1},{"a":tru}]}""";
        var e = await FailAsync(json);
        // One position, where the parser found the problem (right after the bad literal), not the comma before the record.
        Assert.StartsWith($"The source is not valid JSON at byte offset {json.IndexOf("tru}", StringComparison.Ordinal) + 3}, in record 2:", e.Message);
        Assert.DoesNotContain("line", e.Message);
    }

    [Fact]
    public async Task A_record_that_is_not_an_object_is_named_by_index_and_offset()
    {
        var e = await FailAsync("""{"events":[{"a":1},"oops"]}""");
        Assert.Contains("Record 2 (at byte offset 19) is a string, not an object", e.Message);
    }

    [Fact]
    public async Task Deep_nesting_outside_the_records_and_in_unselected_fields_reads_fine()
    {
        var deep = new string('[', 500) + new string(']', 500);
        var sink = await ReadAsync($$"""{"meta":{{deep}},"events":[{"id":1,"skip":{{deep}}},{"id":2}],"after":{{deep}}}""");
        Assert.Equal(["1", "2"], sink.First);
    }

    [Fact]
    public async Task Nesting_beyond_the_limit_says_so_with_the_limit_and_the_offset()
    {
        var json = """{"events":[{"id":1,"skip":""" + new string('[', RecordReader.MaxDepth) + new string(']', RecordReader.MaxDepth) + "}]}";
        var e = await FailAsync(json);
        Assert.Contains("nested deeper than 10,000 levels", e.Message);
        Assert.Matches(@"at byte offset \d+, in record 1:", e.Message);
    }

    [Fact]
    public async Task A_repeated_records_array_is_read_once_the_first_one_exported()
    {
        var sink = await ReadAsync("""{"events":[{"id":1}],"events":[{"id":2}]}""");
        Assert.Equal(["1"], sink.First);
    }

    [Fact]
    public async Task Empty_body_is_reported() =>
        Assert.Contains("empty", (await FailAsync("")).Message);
}
