using S3ZipExport.Records;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using static S3ZipExport.Tests.Source.SourceExport;

namespace S3ZipExport.Tests.Source;

/// <summary>EXPORT_SOURCE_FORMAT=ndjson and several unpaged URLs, through the real handler.</summary>
[Collection(LocalS3Collection.Name)]
public sealed class JsonLinesSourceTests : IAsyncLifetime
{
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;

    public JsonLinesSourceTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Fact]
    public async Task JSON_Lines_records_become_CSV_rows_and_blank_lines_are_skipped()
    {
        _source.MapString("/events.ndjson", "{\"id\":1,\"title\":\"a, b\"}\r\n\r\n{\"id\":2,\"title\":\"勉強会\"}\n{\"id\":3}\n", "application/x-ndjson");
        var key = "tests/ndjson.zip";

        var summary = await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events.ndjson"), key,
            ("EXPORT_SOURCE_FORMAT", "ndjson"), ("EXPORT_COLUMNS", "id,title")));

        Assert.Equal("id,title\r\n1,\"a, b\"\r\n2,勉強会\r\n3,\r\n", await ReadCsvAsync(_s3, key));
        Assert.Equal(3, summary.GetProperty("records").GetInt64());
    }

    [LocalS3Fact]
    public async Task Bad_JSON_Lines_line_fails_the_export_naming_the_line_and_leaves_nothing()
    {
        _source.MapString("/events.ndjson", "{\"id\":1}\n{\"id\":2}\n{\"id\":3,,}\n", "application/x-ndjson");
        var key = "tests/ndjson-bad.zip";

        var e = await Assert.ThrowsAsync<BadInputException>(() => ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events.ndjson"), key,
            ("EXPORT_SOURCE_FORMAT", "ndjson"), ("EXPORT_COLUMNS", "id"))));

        Assert.Contains("Line 3 of the JSON Lines source is not one valid JSON value, at byte offset", e.Message);
        Assert.Contains("record 3", e.Message);
        await AssertNothingLeftAsync(_s3, key);
    }

    [LocalS3Fact]
    public async Task Several_unpaged_URLs_are_read_in_order_and_a_bad_one_is_named()
    {
        _source.MapString("/a", """{"events":[{"id":1},{"id":2}]}""");
        _source.MapString("/b", """{"events":[{"id":3}]}""");
        _source.MapString("/c", """{"items":[]}""");
        var key = "tests/several.zip";

        var summary = await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/a"), key,
            ("EXPORT_SOURCE_URL", $"{_source.Url("/a")} {_source.Url("/b")}"), ("EXPORT_COLUMNS", "id")));
        Assert.Equal("id\r\n1\r\n2\r\n3\r\n", await ReadCsvAsync(_s3, key));
        Assert.Equal(["/a", "/b"], _source.Requests.Select(r => r.Path));

        var e = await Assert.ThrowsAsync<BadInputException>(() => ExportRun.InvokeAsync(Environment(_s3, _source.Url("/a"), "tests/several-bad.zip",
            ("EXPORT_SOURCE_URL", $"{_source.Url("/a")}\n{_source.Url("/c?token=s3cr3t")}"), ("EXPORT_COLUMNS", "id"))));
        Assert.StartsWith($"Source {_source.Url("/c?token=REDACTED")}: ", e.Message);
        Assert.Contains("no property 'events'", e.Message);
        await AssertNothingLeftAsync(_s3, "tests/several-bad.zip");
    }
}
