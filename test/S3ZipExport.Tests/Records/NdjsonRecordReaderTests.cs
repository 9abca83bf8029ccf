using System.Text;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

public class NdjsonRecordReaderTests
{
    private static async Task<CollectingSink> ReadAsync(string text, int chunk = int.MaxValue, string columns = "id")
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = TestReaders.Ndjson(new TrickleStream(bytes, chunk), columns);
        var sink = new CollectingSink();
        await reader.ReadAsync(sink, CancellationToken.None);
        Assert.Equal(sink.Records.Count, reader.RecordCount);
        Assert.Equal(bytes.Length, reader.BytesRead);
        return sink;
    }

    private static Task<BadInputException> FailAsync(string text) =>
        Assert.ThrowsAnyAsync<BadInputException>(() => ReadAsync(text));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(int.MaxValue)]
    public async Task Each_line_is_one_record_with_its_offset_across_any_read_size(int chunk)
    {
        var sink = await ReadAsync("{\"id\":1}\n{\"id\":2,\"t\":\"a\\nb\"}\r\n{\"id\":3}", chunk, "id,t");
        Assert.Equal(
            [(["1", ""], 0L, 0L), (["2", "a\nb"], 1L, 9L), (["3", ""], 2L, 30L)],
            sink.Records.Select(r => (r.Fields, r.Index, r.Offset)));
    }

    [Fact]
    public async Task Blank_lines_a_BOM_and_surrounding_spaces_are_skipped()
    {
        var sink = await ReadAsync("\uFEFF\n  {\"id\":1}  \r\n\r\n\t\n{\"id\":2}\n\n");
        Assert.Equal(["1", "2"], sink.First);
        Assert.Equal(6, sink.Records[0].Offset);
    }

    [Fact]
    public async Task Empty_body_has_no_records() => Assert.Empty((await ReadAsync("")).Records);

    [Fact]
    public async Task Bad_line_fails_with_its_line_number_and_byte_offset()
    {
        var e = await FailAsync("{\"id\":1}\n\n{\"id\":2,}\n{\"id\":3}\n");
        Assert.Contains("Line 3 of the JSON Lines source is not one valid JSON value", e.Message);
        Assert.Matches(@"at byte offset 1[0-9], ", e.Message);
        Assert.Contains("record 2", e.Message);
    }

    [Theory]
    [InlineData("[1,2]", "Record 1 (line 1, at byte offset 0) is an array, not an object")]
    [InlineData("{\"id\":1}\n\"text\"", "Record 2 (line 2, at byte offset 9) is a string, not an object")]
    [InlineData("{\"id\":1} {\"id\":2}", "Line 1 of the JSON Lines source is not one valid JSON value")]
    [InlineData("{\"id\":1", "Line 1 of the JSON Lines source is not one valid JSON value")]
    public async Task Line_that_is_not_exactly_one_object_is_named(string text, string expected) =>
        Assert.Contains(expected, (await FailAsync(text)).Message);

    [Fact]
    public async Task HTML_instead_of_JSON_Lines_names_the_content_type() =>
        Assert.Contains("Content-Type 'application/x-ndjson'", (await FailAsync("<!DOCTYPE html>\n<html>")).Message);

    [Fact]
    public async Task Line_longer_than_the_first_buffer_is_read_whole()
    {
        var big = new string('x', ReadWindow.InitialBytes * 2);
        var sink = await ReadAsync($"{{\"id\":1}}\n{{\"big\":\"{big}\"}}\n{{\"id\":3}}\n", chunk: 64 * 1024, columns: "big");
        Assert.Equal(["", big, ""], sink.First);
    }
}
