using System.Globalization;
using S3ZipExport.Records;
using S3ZipExport.Source;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using static S3ZipExport.Tests.Source.SourceExport;

namespace S3ZipExport.Tests.Source;

/// <summary>Offset paging against a fake connpass v2 with its one-request-a-second limit, through the real handler.</summary>
[Collection(LocalS3Collection.Name)]
public sealed class ConnpassPagingTests : IAsyncLifetime
{
    private const int IntervalMs = 200;
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;

    public ConnpassPagingTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    private FakeConnpass Serve(FakeConnpass connpass)
    {
        connpass.MapOn(_source);
        return connpass;
    }

    private Task<System.Text.Json.JsonElement> ExportAsync(string key, string url, params (string, string)[] extra) =>
        ExportRun.InvokeAsync(Environment(_s3, new Uri(url.Split('\n')[0]), key,
        [
            ("EXPORT_SOURCE_URL", url), ("EXPORT_SOURCE_PAGING", "offset"), ("EXPORT_SOURCE_MIN_INTERVAL_MS", $"{IntervalMs}"),
            ("EXPORT_SOURCE_API_KEY", "test-key"), ("EXPORT_COLUMNS", "id,title,url,Group=group.title"), .. extra,
        ]));

    /// <summary>The id column of the exported CSV, in order.</summary>
    private async Task<List<int>> ExportedIdsAsync(string key) =>
        (await ReadCsvAsync(_s3, key)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(row => int.Parse(row.Split(',')[0], CultureInfo.InvariantCulture)).ToList();

    private static List<int> Ids(int ym, int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => ym * 1000 + i).ToList();

    private void AssertPacedAtLeast(int ms)
    {
        var times = _source.Requests.Select(r => r.Time).ToList();
        for (var i = 1; i < times.Count; i++)
            Assert.True(times[i] - times[i - 1] >= TimeSpan.FromMilliseconds(ms) - FakeConnpass.ClockResolution, $"request {i} came {(times[i] - times[i - 1]).TotalMilliseconds:0} ms after the one before");
    }

    [LocalS3Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task All_pages_are_exported_once_in_order_with_the_query_kept_and_no_request_sooner_than_the_interval(bool totalAfterRecords)
    {
        var connpass = Serve(new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(IntervalMs), TotalAfterRecords = totalAfterRecords, EventsIn = _ => 250 });
        var key = $"tests/paging-{totalAfterRecords}.zip";

        var summary = await ExportAsync(key, FakeConnpass.Url(_source, "?ym=202611&keyword=python&count=5&start=9"));

        Assert.Equal(Ids(202611, 1, 250), await ExportedIdsAsync(key));
        Assert.Equal(250, summary.GetProperty("records").GetInt64());
        Assert.Equal(
            ["?ym=202611&keyword=python&count=100&start=1", "?ym=202611&keyword=python&count=100&start=101", "?ym=202611&keyword=python&count=100&start=201"],
            _source.Requests.Select(r => r.Query));
        Assert.All(_source.Requests, r => Assert.Equal("test-key", r.Headers["x-api-key"]));
        Assert.Equal(0, connpass.TooManyRequestsAnswered);
        AssertPacedAtLeast(IntervalMs);
    }

    [LocalS3Fact]
    public async Task The_interval_counts_from_the_last_byte_of_each_page_so_a_server_that_measures_from_there_never_answers_429()
    {
        // Each page's body takes 400 ms after its headers: pacing from the headers would come 400 ms early.
        var connpass = Serve(new FakeConnpass { MinGap = TimeSpan.FromSeconds(1), MeasureFromLastByte = true, BodyDelay = TimeSpan.FromMilliseconds(400), EventsIn = _ => 250 });

        await ExportAsync("tests/last-byte.zip", FakeConnpass.Url(_source, "?ym=202611"), ("EXPORT_SOURCE_MIN_INTERVAL_MS", "1000"));

        Assert.Equal(3, _source.Requests.Count);
        Assert.Equal(0, connpass.TooManyRequestsAnswered);
        Assert.Equal(Ids(202611, 1, 250), await ExportedIdsAsync("tests/last-byte.zip"));
    }

    [LocalS3Fact]
    public async Task At_the_default_one_request_a_second_three_pages_never_meet_the_limit()
    {
        var connpass = Serve(new FakeConnpass { MinGap = TimeSpan.FromSeconds(1), EventsIn = _ => 300 });
        var key = "tests/paging-1s.zip";

        await ExportRun.InvokeAsync(Environment(_s3, new Uri(FakeConnpass.Url(_source, "?ym=202611")), key,
            ("EXPORT_SOURCE_PAGING", "offset"), ("EXPORT_SOURCE_API_KEY", "test-key"), ("EXPORT_COLUMNS", "id")));

        Assert.Equal(Ids(202611, 1, 300), await ExportedIdsAsync(key));
        Assert.Equal(3, _source.Requests.Count);
        Assert.Equal(0, connpass.TooManyRequestsAnswered);
        AssertPacedAtLeast(1000);
    }

    [LocalS3Fact]
    public async Task Retry_after_a_bare_429_also_keeps_the_interval_though_the_retry_base_is_shorter()
    {
        // The retry base is 20 ms (SourceExport); without pacing the retry would come far sooner than the interval.
        var connpass = Serve(new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(IntervalMs), TooManyAt = 1, EventsIn = _ => 250 });
        var key = "tests/paging-429.zip";

        await ExportAsync(key, FakeConnpass.Url(_source, "?ym=202611"));

        Assert.Equal(Ids(202611, 1, 250), await ExportedIdsAsync(key));
        Assert.Equal(4, _source.Requests.Count);
        Assert.Equal(1, connpass.TooManyRequestsAnswered);   // the injected one only: the limit itself was never met
        AssertPacedAtLeast(IntervalMs);
    }

    [LocalS3Fact]
    public async Task Page_without_records_stops_the_export_early_even_if_the_total_says_more()
    {
        Serve(new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(IntervalMs), EventsIn = _ => 500, NoEventsAfter = 150 });
        var key = "tests/paging-empty.zip";

        await ExportAsync(key, FakeConnpass.Url(_source, "?ym=202611"));

        Assert.Equal(Ids(202611, 1, 150), await ExportedIdsAsync(key));
        Assert.Equal(["?ym=202611&start=1&count=100", "?ym=202611&start=101&count=100", "?ym=202611&start=151&count=100"], _source.Requests.Select(r => r.Query));
    }

    [LocalS3Theory]
    [InlineData(150, 250, 250, 3)]   // grew: the later total is followed to the end
    [InlineData(250, 120, 120, 2)]   // shrank below what is read: stops after the page that said so
    public async Task Total_changing_between_pages_follows_the_latest_total(int first, int later, int exported, int requests)
    {
        Serve(new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(IntervalMs), TotalAt = page => page == 0 ? first : later });
        var key = $"tests/paging-total-{first}-{later}.zip";

        await ExportAsync(key, FakeConnpass.Url(_source, "?ym=202611"));

        Assert.Equal(Ids(202611, 1, exported), await ExportedIdsAsync(key));
        Assert.True(requests == _source.Requests.Count, string.Join(" ", _source.Requests.Select(r => $"{r.Time:ss.fff} {r.Query}")));
    }

    [LocalS3Fact]
    public async Task Several_URLs_are_read_in_order_each_paged_into_one_CSV()
    {
        Serve(new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(IntervalMs), EventsIn = ym => ym == 202610 ? 120 : 30 });
        var key = "tests/paging-months.zip";

        var summary = await ExportAsync(key, $"{FakeConnpass.Url(_source, "?ym=202610")}\n  {FakeConnpass.Url(_source, "?ym=202611")}\n");

        Assert.Equal([.. Ids(202610, 1, 120), .. Ids(202611, 1, 30)], await ExportedIdsAsync(key));
        Assert.Equal(150, summary.GetProperty("records").GetInt64());
        Assert.Equal(["?ym=202610&start=1&count=100", "?ym=202610&start=101&count=100", "?ym=202611&start=1&count=100"], _source.Requests.Select(r => r.Query));
        AssertPacedAtLeast(IntervalMs);
    }

    [LocalS3Fact]
    public async Task Page_without_the_total_fails_naming_the_setting_and_leaves_nothing()
    {
        Serve(new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(IntervalMs), OmitTotal = true });
        var key = "tests/paging-no-total.zip";

        var e = await Assert.ThrowsAsync<BadInputException>(() => ExportAsync(key, FakeConnpass.Url(_source, "?ym=202611")));

        Assert.Contains("no total at 'results_available' (EXPORT_PAGE_TOTAL_PATH)", e.Message);
        Assert.Contains("start=1", e.Message);
        await AssertNothingLeftAsync(_s3, key);
    }

    [LocalS3Fact]
    public async Task More_pages_than_fit_before_the_deadline_fail_after_the_first_with_the_way_out()
    {
        Serve(new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(IntervalMs), EventsIn = _ => 100_000 });
        var key = "tests/paging-too-many.zip";

        var e = await Assert.ThrowsAsync<SourceException>(() =>
            ExportAsync(key, FakeConnpass.Url(_source, "?ym=202611"), ("EXPORT_SOURCE_MIN_INTERVAL_MS", "1000"), ("EXPORT_TIMEOUT_SECONDS", "900")));

        Assert.Contains("100,000 records available", e.Message);
        Assert.Contains("other 999 pages need at least 999 s", e.Message);
        Assert.Contains("one per month", e.Message);
        Assert.Single(_source.Requests);
        await AssertNothingLeftAsync(_s3, key);
    }

    [LocalS3Fact]
    public async Task Extra_headers_arrive_with_every_page_and_replace_a_default()
    {
        Serve(new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(IntervalMs), EventsIn = _ => 150 });

        await ExportAsync("tests/paging-headers.zip", FakeConnpass.Url(_source, "?ym=202611"),
            ("EXPORT_SOURCE_HEADERS", "Accept-Language: ja\nX-Client: nightly export\nAccept: application/vnd.connpass+json"));

        Assert.Equal(2, _source.Requests.Count);
        Assert.All(_source.Requests, r =>
        {
            Assert.Equal("ja", r.Headers["accept-language"]);
            Assert.Equal("nightly export", r.Headers["x-client"]);
            Assert.Equal("application/vnd.connpass+json", r.Headers["accept"]);
        });
    }
}
