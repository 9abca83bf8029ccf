using System.Text;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

/// <summary>The JSON reader finds a page's total wherever it lies beside the records array, while streaming.</summary>
public class PageTotalTests
{
    private static async Task<(JsonRecordReader Reader, CollectingSink Sink)> ReadAsync(string json, string records = "events", string total = "results_available", int chunk = 3, long first = 0)
    {
        var reader = new JsonRecordReader(new TrickleStream(Encoding.UTF8.GetBytes(json), chunk), records.Split('.'), "application/json", TestReaders.Extraction(), total.Split('.'))
        {
            FirstRecordIndex = first,
        };
        var sink = new CollectingSink();
        await reader.ReadAsync(sink, CancellationToken.None);
        return (reader, sink);
    }

    [Theory]
    [InlineData("""{"results_returned":2,"results_available":250,"results_start":1,"events":[{"id":1},{"id":2}]}""")]
    [InlineData("""{"events":[{"id":1},{"id":2}],"results_start":1,"results_available":250}""")]
    [InlineData("""{"meta":{"results_available":1},"events":[{"id":1,"results_available":9},{"id":2}],"x":[{"results_available":7}],"results_available":250}""")]
    public async Task Total_is_found_before_or_after_the_records_and_only_at_its_own_path(string json)
    {
        var (reader, sink) = await ReadAsync(json);
        Assert.Equal(250, reader.Total);
        Assert.Equal(2, sink.Indexes.Count);
    }

    [Fact]
    public async Task Nested_total_and_nested_records_in_different_objects_are_both_found()
    {
        var (reader, sink) = await ReadAsync("""{"data":{"items":[{"id":1}]},"meta":{"page":{"total":42}}}""", "data.items", "meta.page.total");
        Assert.Equal(42, reader.Total);
        Assert.Single(sink.Indexes);
    }

    [Fact]
    public async Task Document_without_the_total_reads_fine_and_has_none()
    {
        var (reader, _) = await ReadAsync("""{"events":[{"id":1}]}""");
        Assert.Null(reader.Total);
    }

    [Theory]
    [InlineData("""{"results_available":"250","events":[]}""", "it is a string, not a number")]
    [InlineData("""{"results_available":2.5,"events":[]}""", "not a whole number")]
    [InlineData("""{"results_available":-1,"events":[]}""", "not a whole number")]
    public async Task Total_that_is_not_a_count_fails_naming_the_setting(string json, string expected)
    {
        var e = await Assert.ThrowsAsync<BadInputException>(() => ReadAsync(json));
        Assert.Contains("EXPORT_PAGE_TOTAL_PATH", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Missing_records_path_is_still_reported_when_a_total_is_watched()
    {
        var e = await Assert.ThrowsAsync<RecordsPathException>(() => ReadAsync("""{"results_available":3,"items":[]}"""));
        Assert.Contains("no property 'events' in the document", e.Message);
    }

    [Fact]
    public async Task Record_indexes_continue_from_the_records_read_before_this_page() =>
        Assert.Equal([100, 101], (await ReadAsync("""{"events":[{"id":1},{"id":2}]}""", first: 100)).Sink.Indexes);
}
