using System.Text;
using S3ZipExport.Tests.Fixtures;
using S3ZipExport.Tests.Source;
using static S3ZipExport.Tests.LocalRun.LocalInvoker;

namespace S3ZipExport.Tests.LocalRun;

/// <summary>
/// The local invoker's --discover and --preview, run as a process against the demo source and a real HTTP source
/// server: what a user sees on stdout and stderr, and which requests reached the source.
/// </summary>
public sealed class DiscoverPreviewTests : IAsyncLifetime
{
    private const string Bar = " │ ";
    private SourceServer _source = null!;

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    private Dictionary<string, string?> Settings(string path, params (string Name, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["EXPORT_SOURCE_URL"] = _source.Url(path).ToString(), ["EXPORT_ALLOW_HTTP"] = "true" };
        foreach (var (name, value) in extra) settings[name] = value;
        return settings;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>The table's data rows (after the header's underline, up to an empty line) as cells.</summary>
    private static List<string[]> TableRows(string stdout) =>
        stdout.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l.Length == 0 || l.Any(c => c is not ('─' or '┼'))).Skip(1).TakeWhile(l => l.Length > 0)
            .Select(l => l.Split(Bar).Select(c => c.Trim()).ToArray()).ToList();

    private static string[] Row(string stdout, string first) => Assert.Single(TableRows(stdout), r => r[0] == first);

    private static void AssertSucceeded(Run run) => Assert.True(run.ExitCode == 0, run.ToString());

    private static void AssertFailedWith(Run run, string message)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"error: {message}", run.Stderr);
    }

    [Fact]
    public async Task With_no_settings_discover_reads_the_demo_source_stops_at_the_limit_and_suggests_its_columns()
    {
        var run = await RunAsync(["--discover", "--records", "50"], new Dictionary<string, string?>());

        AssertSucceeded(run);
        Assert.Contains("local services: demo source http://127.0.0.1:", run.Stderr);
        Assert.DoesNotContain("s3rver", run.Stderr);
        var lines = Lines(run.Stdout);
        Assert.Equal("records path: events, the default (EXPORT_RECORDS_PATH is unset)", lines[0]);
        Assert.Matches(@"^read 50 records in 1 request, 0\.\d MB of the source; stopped there \(--records 50\)$", lines[1]);
        Assert.Equal(["path", "types", "present", "null", "longest", "example"], lines[2].Split(Bar).Select(c => c.Trim()));
        Assert.Equal(["id", "number", "50 (100%)", "0", "6", "300000"], Row(run.Stdout, "id"));
        Assert.Equal("object, null", Row(run.Stdout, "group")[1]);
        Assert.Equal("string", Row(run.Stdout, "group.title")[1]);
        Assert.StartsWith("EXPORT_COLUMNS='id,title,catch,description,url,image_url,", lines[^1]);
        Assert.Contains(",group.id,group.subdomain,group.title,group.url,", lines[^1]);
        Assert.DoesNotContain(",group,", lines[^1]);
    }

    [Fact]
    public async Task With_no_settings_preview_shows_the_first_rows_of_the_demo_export_as_a_table()
    {
        var run = await RunAsync(["--preview", "--rows", "3"], new Dictionary<string, string?>());

        AssertSucceeded(run);
        var lines = Lines(run.Stdout);
        Assert.Matches(@"^read 3 records in 1 request, 0\.\d MB of the source; stopped there \(--rows 3\)$", lines[0]);
        Assert.Matches(@"^CSV: bytes in UTF-8, delimiter ',', CRLF line ends, a header row, formula guard off; [\d,]+ bytes for these rows$", lines[1]);
        Assert.Equal(["id", "title", "catch", "description", "started_at", "ended_at", "url", "Group", "place", "accepted", "limit"],
            lines.First(l => l.StartsWith("id ")).Split(Bar).Select(c => c.Trim()));
        var rows = TableRows(run.Stdout);
        Assert.Equal(["300000", "300001", "300002"], rows.Select(r => r[0]));
        // The description is HTML on several lines: its line breaks are shown, not followed, and it is cut.
        Assert.All(rows, r => Assert.Matches("^<h2>.*␊.*…$", r[3]));
    }

    [Fact]
    public async Task Paging_requests_only_the_pages_the_rows_need_with_the_key_and_the_interval()
    {
        new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(200), EventsIn = _ => 250 }.MapOn(_source);
        var settings = Settings(FakeConnpass.Path + "?ym=202611", ("EXPORT_SOURCE_PAGING", "offset"), ("EXPORT_SOURCE_MIN_INTERVAL_MS", "200"),
            ("EXPORT_SOURCE_API_KEY", "test-key"), ("EXPORT_COLUMNS", "id,title,Group=group.title"));

        var run = await RunAsync(["--preview", "--rows", "150"], settings);

        AssertSucceeded(run);
        Assert.Matches(@"^read 150 records in 2 requests, .*; stopped there \(--rows 150\)$", Lines(run.Stdout)[0]);
        var rows = TableRows(run.Stdout);
        Assert.Equal(Enumerable.Range(1, 150).Select(i => $"{202611000 + i}"), rows.Select(r => r[0]));
        Assert.Equal(["202611150", "勉強会 #202611150", "Tokyo.rb"], rows[^1]);
        Assert.Equal(["?ym=202611&start=1&count=100", "?ym=202611&start=101&count=100"], _source.Requests.Select(r => r.Query));
        Assert.All(_source.Requests, r => Assert.Equal("test-key", r.Headers["x-api-key"]));
        Assert.True(_source.Requests[1].Time - _source.Requests[0].Time >= TimeSpan.FromMilliseconds(200) - FakeConnpass.ClockResolution);
    }

    [Fact]
    public async Task Paging_to_the_end_reads_every_page_once_when_the_source_has_fewer_records_than_asked()
    {
        new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(50), EventsIn = _ => 250 }.MapOn(_source);
        var settings = Settings(FakeConnpass.Path + "?ym=202611", ("EXPORT_SOURCE_PAGING", "offset"), ("EXPORT_SOURCE_MIN_INTERVAL_MS", "50"));

        var run = await RunAsync(["--discover"], settings);

        AssertSucceeded(run);
        Assert.Equal("read 250 records in 3 requests, 0.0 MB of the source; the whole source", Lines(run.Stdout)[1]);
        Assert.Equal(["id", "number", "250 (100%)", "0", "9", "202611001"], Row(run.Stdout, "id"));
        Assert.Equal(3, _source.Requests.Count);
    }

    [Fact]
    public async Task JSON_Lines_with_a_record_that_is_not_an_object_fails_as_the_export_does_or_is_skipped_and_logged()
    {
        _source.MapString("/events.ndjson", "{\"id\":1,\"title\":\"a, b\"}\n\n{\"id\":2,\"title\":\"=1+2\"}\n\"oops\"\n{\"id\":3,\"title\":\"改行\\nあり\"}\n", "application/x-ndjson");
        var settings = Settings("/events.ndjson", ("EXPORT_SOURCE_FORMAT", "ndjson"), ("EXPORT_COLUMNS", "id,title"));

        AssertFailedWith(await RunAsync(["--preview"], settings), "Record 3 (line 4, at byte offset 49) is a string, not an object.");
        AssertFailedWith(await RunAsync(["--discover"], settings), "Record 3 (line 4, at byte offset 49) is a string, not an object.");

        settings["EXPORT_ON_BAD_RECORD"] = "skip";
        settings["EXPORT_CSV_FORMULA_GUARD"] = "true";
        var run = await RunAsync(["--preview"], settings);

        AssertSucceeded(run);
        Assert.Contains("\"message\":\"record skipped\",\"record\":3,\"problem\":\"Record 3 (line 4, at byte offset 49) is a string, not an object.\"", run.Stderr);
        Assert.Equal("read 3 records (1 bad record skipped, EXPORT_ON_BAD_RECORD=skip) in 1 request, 0.0 MB of the source; the whole source", Lines(run.Stdout)[0]);
        Assert.Contains("formula guard on", Lines(run.Stdout)[1]);
        Assert.Equal([["1", "a, b"], ["2", "'=1+2"], ["3", "改行␊あり"]], TableRows(run.Stdout));

        var discovered = await RunAsync(["--discover"], settings);
        AssertSucceeded(discovered);
        Assert.Equal("records: one per line (EXPORT_SOURCE_FORMAT=ndjson)", Lines(discovered.Stdout)[0]);
        Assert.Equal("EXPORT_COLUMNS='id,title'", Lines(discovered.Stdout)[^1]);
    }

    [Fact]
    public async Task A_value_a_formatter_cannot_take_is_a_bad_record_in_the_preview_as_in_the_export()
    {
        _source.MapString("/events", """{"events":[{"id":1,"started_at":"2026-12-01T19:00:00+09:00"},{"id":2,"started_at":"soon"}]}""");
        var settings = Settings("/events", ("EXPORT_COLUMNS", "id,Start=started_at|datetime:yyyy/MM/dd HH:mm"));

        AssertFailedWith(await RunAsync(["--preview"], settings),
            "Record 2 (at byte offset 61), column 'Start' (EXPORT_COLUMNS '|datetime:yyyy/MM/dd HH:mm'): 'soon' is not an ISO-8601 date-time such as 2026-12-01T19:00:00+09:00.");

        // Discovery reads the source, not the columns: the record is fine there.
        var discovered = await RunAsync(["--discover"], settings);
        AssertSucceeded(discovered);
        Assert.Equal(["started_at", "string", "2 (100%)", "0", "25", "2026-12-01T19:00:00+09:00"], Row(discovered.Stdout, "started_at"));
    }

    [Fact]
    public async Task Nested_paths_are_found_below_an_unknown_records_path_and_the_suggested_columns_work_as_pasted()
    {
        _source.MapString("/api", """
            {"meta":{"links":[{"rel":"next"}]},
             "data":{"count":3,"items":[
               {"id":1,"a.b":"dotted","tags":["x","y","z"],"owner":{"name":"Ann","org":{"name":"ACME, Inc."}},"n":{"x,y":2,"e=f":3},"speakers":[{"name":"s"}],"pipe|name":1},
               {"id":2,"tags":[],"owner":{"name":"Bob","org":null},"note":null},
               {"id":3,"tags":"solo","owner":null}
             ]}}
            """);

        var run = await RunAsync(["--discover"], Settings("/api"));

        AssertSucceeded(run);
        var lines = Lines(run.Stdout);
        Assert.Equal("records path: 'events', the default (EXPORT_RECORDS_PATH is unset), does not fit: Records path 'events' (EXPORT_RECORDS_PATH) " +
                     "does not lead to an array of records: no property 'events' in the document.", lines[0]);
        Assert.Equal("arrays of objects in the first document:", lines[1]);
        Assert.Equal(["meta.links │  1 object", "data.items │ 3 objects"], lines[2..4].Select(l => l.Trim()));
        Assert.Equal("records path: data.items, the largest; to use it: EXPORT_RECORDS_PATH=data.items", lines[4]);
        Assert.StartsWith("read 3 records in 3 requests,", lines[5]);
        Assert.Equal(["a\\.b", "string", "1 (33%)", "0", "6", "dotted"], Row(run.Stdout, "a\\.b"));
        Assert.Equal(["tags", "string, array of string |join", "3 (100%)", "0", "4, 3 items", "[\"x\",\"y\",\"z\"]"], Row(run.Stdout, "tags"));
        Assert.Equal(["owner", "object, null", "3 (100%)", "1", "", "{\"name\":\"Ann\",\"org\":{\"name\":\"ACME, Inc.…"], Row(run.Stdout, "owner"));
        Assert.Equal(["owner.org.name", "string", "1 (33%)", "0", "10", "ACME, Inc."], Row(run.Stdout, "owner.org.name"));
        Assert.Equal(["owner.org", "object, null", "2 (66%)", "1", "", "{\"name\":\"ACME, Inc.\"}"], Row(run.Stdout, "owner.org"));
        Assert.Equal(["n.x\\,y", "number", "1 (33%)", "0", "1", "2"], Row(run.Stdout, "n.x\\,y"));
        Assert.Equal(["speakers", "array of object", "1 (33%)", "0", "1 item", "[{\"name\":\"s\"}]"], Row(run.Stdout, "speakers"));
        Assert.Equal(["note", "null", "1 (33%)", "1"], Row(run.Stdout, "note"));
        const string columns = @"id,a\.b,tags|join:;,owner.name,owner.org.name,n.x\,y,n.e_f=n.e=f,speakers,note";
        Assert.Equal($"EXPORT_COLUMNS='{columns}'", lines[^2]);
        Assert.Equal("Left out, as EXPORT_COLUMNS cannot name them: 'pipe|name'", lines[^1]);

        var preview = await RunAsync(["--preview"], Settings("/api", ("EXPORT_RECORDS_PATH", "data.items"), ("EXPORT_COLUMNS", columns)));

        AssertSucceeded(preview);
        Assert.Equal(["id", "a.b", "tags", "owner.name", "owner.org.name", "n.x,y", "n.e_f", "speakers", "note"],
            Lines(preview.Stdout).First(l => l.StartsWith("id ")).Split(Bar).Select(c => c.Trim()));
        Assert.Equal([["1", "dotted", "x;y;z", "Ann", "ACME, Inc.", "2", "3", "[{\"name\":\"s\"}]"], ["2", "", "", "Bob"], ["3", "", "solo"]],
            TableRows(preview.Stdout));
    }

    [Fact]
    public async Task Reading_stops_after_the_rows_asked_for_and_closes_the_connection_of_an_endless_document()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _source.MapStream("/endless", async (body, ct) =>
        {
            // Kestrel completes writes after the client has gone without an error: the token says it has.
            using var _ = ct.Register(() => closed.TrySetResult());
            await body.WriteAsync("{\"events\":["u8.ToArray(), ct);
            for (var i = 0; ; i++)
                await body.WriteAsync(Encoding.UTF8.GetBytes((i > 0 ? "," : "") + $$"""{"id":{{i}},"title":"{{new string('x', 1000)}}"}"""), ct);
        });

        var run = await RunAsync(["--preview", "--rows", "5"], Settings("/endless", ("EXPORT_COLUMNS", "id")));

        // A document that never ends: the preview can only have finished by closing it after the fifth record.
        AssertSucceeded(run);
        Assert.Matches(@"^read 5 records in 1 request, 0\.\d MB of the source; stopped there \(--rows 5\)$", Lines(run.Stdout)[0]);
        Assert.Equal(["0", "1", "2", "3", "4"], TableRows(run.Stdout).Select(r => r[0]));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_401_and_an_HTML_page_fail_with_the_exports_messages()
    {
        _source.Map("/private", SourceExport.Status(401));
        _source.MapString("/html", "<!DOCTYPE html><html><body>Sign in</body></html>", "text/html; charset=utf-8");

        foreach (var mode in new[] { "--discover", "--preview" })
        {
            var unauthorized = await RunAsync([mode], Settings("/private"));
            AssertFailedWith(unauthorized, $"Source {_source.Url("/private")} answered HTTP 401 Unauthorized.");
            Assert.Equal("", unauthorized.Stdout);

            var html = await RunAsync([mode], Settings("/html"));
            AssertFailedWith(html, "The source is not JSON (Content-Type 'text/html; charset=utf-8'); it starts with: <!DOCTYPE html><html><body>Sign in</body></html>");
        }
    }

    [Fact]
    public async Task Settings_are_checked_as_for_an_export_except_the_bucket()
    {
        var run = await RunAsync(["--preview"], Settings("/events", ("EXPORT_CSV_DELIMITER", "ab"), ("EXPORT_PART_SIZE_MIB", "4")));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: Invalid settings:", run.Stderr);
        Assert.Contains("- EXPORT_CSV_DELIMITER: 'ab' must be one ASCII character", run.Stderr);
        Assert.Contains("- EXPORT_PART_SIZE_MIB: '4' must be a whole number from 5 to 512", run.Stderr);
        Assert.DoesNotContain("EXPORT_BUCKET", run.Stderr);
        Assert.Empty(_source.Requests);
    }

    [Theory]
    [InlineData("--rows 5")]
    [InlineData("--discover --rows 5")]
    [InlineData("--preview --records 5")]
    [InlineData("--preview --rows 0")]
    [InlineData("--preview --slice-seconds 1")]
    [InlineData("--slice-seconds 0")]
    public async Task Options_that_do_not_go_together_are_a_usage_error(string args)
    {
        var run = await RunAsync(args.Split(' '), Settings("/events"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("usage: S3ZipExport.LocalInvoke [event.json] [--size-mb N] [--slice-seconds N] [--discover [--records N] | --preview [--rows N]]", run.Stderr);
        Assert.Empty(_source.Requests);
    }
}
