using System.Text.Json;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using S3ZipExport.Tests.Source;

namespace S3ZipExport.Tests.Telemetry;

/// <summary>What CloudWatch receives: one JSON object per stdout line, progress while running, metrics at the end.</summary>
[Collection(LocalS3Collection.Name)]
public sealed class LogLineTests(LocalS3Fixture s3) : IAsyncLifetime
{
    private SourceServer _source = null!;

    public async Task InitializeAsync()
    {
        s3.Reset();
        _source = await SourceServer.StartAsync();
        // A source that pauses mid-body, so the export lasts long enough for progress lines.
        _source.MapStream("/slow", async (body, ct) =>
        {
            await body.WriteAsync("""{"events":[{"title":"a","started_at":"2026-12-01T19:00:00+09:00"},"""u8.ToArray(), ct);
            await body.FlushAsync(ct);
            await Task.Delay(2300, ct);
            await body.WriteAsync("""{"title":"日本語"}]}"""u8.ToArray(), ct);
        });
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Fact]
    public async Task Start_progress_end_and_metrics_lines_are_JSON_with_the_documented_fields()
    {
        string text;
        using (var capture = new ConsoleCapture())
        {
            await ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/slow"), "tests/logs-日本.zip",
                ("EXPORT_PROGRESS_SECONDS", "1"), ("AWS_LAMBDA_FUNCTION_NAME", "nightly-export")));
            text = capture.Text;
        }
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{') && (l.Contains("logs-日本") || l.Contains("\"export progress\"") || l.Contains("nightly-export")))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToList();

        var started = Assert.Single(lines, l => Message(l) == "export started");
        Assert.Equal("tests/logs-日本.zip", started.GetProperty("key").GetString());
        Assert.Equal("Information", started.GetProperty("level").GetString());
        Assert.True(started.GetProperty("bufferMiB").GetDouble() >= 8 * 5, "the start line states the buffers' memory bound");
        // The effective settings, as the settings take them (defaults here), and the memory figures.
        foreach (var (name, value) in new[]
                 {
                     ("format", "zip"), ("checksum", "crc64nvme"), ("csvEncoding", "utf-8"), ("csvDelimiter", ","), ("csvNewline", "crlf"),
                     ("recordsPath", "events"), ("sourceFormat", "json"), ("onBadRecord", "fail"), ("entryName", "events.csv"),
                 })
            Assert.Equal(value, started.GetProperty(name).GetString());
        foreach (var name in new[] { "maxBufferMiB", "memoryLimitMiB", "maxPartMiB", "maxRecordMiB", "capacityGiB", "partSizeMiB", "compressionThreads", "parseThreads" })
            Assert.True(started.TryGetProperty(name, out _), $"the start line lacks {name}");

        var progress = lines.Where(l => Message(l) == "export progress").ToList();
        Assert.NotEmpty(progress);
        foreach (var name in new[] { "records", "sourceMB", "csvMB", "zipMB", "parts", "csvMBps", "elapsedSeconds" })
            Assert.True(progress[0].TryGetProperty(name, out _), $"progress line lacks {name}");

        var finished = Assert.Single(lines, l => Message(l) == "export finished");
        Assert.Equal(2, finished.GetProperty("records").GetInt64());
        Assert.Contains("tests/logs-日本.zip", text);   // readable, not \uXXXX

        var emf = Assert.Single(lines, l => l.TryGetProperty("_aws", out _));
        var directive = emf.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("S3ZipExport", directive.GetProperty("Namespace").GetString());
        Assert.Equal("FunctionName", directive.GetProperty("Dimensions")[0][0].GetString());
        Assert.Equal("nightly-export", emf.GetProperty("FunctionName").GetString());
        // The metrics line says which run it belongs to, like every other line.
        Assert.Equal(started.GetProperty("eventId").GetString(), emf.GetProperty("eventId").GetString());
        Assert.Equal("tests/logs-日本.zip", emf.GetProperty("key").GetString());
        var metricNames = directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()).ToList();
        Assert.Equal(["Records", "SkippedRecords", "CsvBytes", "ZipBytes", "Parts", "DurationMs", "PeakMemoryMB"], metricNames);
        foreach (var name in metricNames) Assert.Equal(JsonValueKind.Number, emf.GetProperty(name!).ValueKind);
        Assert.Equal(2, emf.GetProperty("Records").GetDouble());
        Assert.True(emf.GetProperty("PeakMemoryMB").GetDouble() > 10);
    }

    [LocalS3Fact]
    public async Task Progress_seconds_of_zero_turns_progress_lines_off()
    {
        string text;
        using (var capture = new ConsoleCapture())
        {
            // The source pauses 2.3 s mid-body: a 1 s interval would log progress twice (the test above).
            await ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/slow"), "tests/progress-off.zip", ("EXPORT_PROGRESS_SECONDS", "0")));
            text = capture.Text;
        }
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{') && l.Contains("tests/progress-off.zip"))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToList();

        Assert.Single(lines, l => Message(l) == "export finished");
        Assert.DoesNotContain(lines, l => Message(l) == "export progress");
    }

    [LocalS3Fact]
    public async Task A_failure_is_logged_as_an_error_line_naming_the_problem()
    {
        using var capture = new ConsoleCapture();
        var env = ExportRun.Environment(s3, _source.Url("/slow"), "tests/x.zip");
        env.Remove("EXPORT_BUCKET");
        await Assert.ThrowsAsync<S3ZipExport.Settings.SettingsException>(() => ExportRun.InvokeAsync(env));
        var failed = capture.Text.Split('\n').Where(l => l.Contains("\"export failed\"")).Select(l => JsonDocument.Parse(l).RootElement).Last();
        Assert.Equal("Error", failed.GetProperty("level").GetString());
        Assert.Contains("EXPORT_BUCKET: required", failed.GetProperty("error").GetString());
        Assert.Equal("SettingsException", failed.GetProperty("type").GetString());   // README: `error` and `type`
        await s3.AssertNothingLeftAsync("tests/x.zip");
    }

    [LocalS3Fact]
    public async Task Every_line_of_a_run_says_which_run_it_belongs_to_even_when_runs_overlap()
    {
        _source.MapString("/bad", """{"events":[{"title":"ok"},5,{"title":"next"}]}""");
        string text;
        using (var capture = new ConsoleCapture())
        {
            var skipping = ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/slow"), "tests/run-a.zip", ("EXPORT_PROGRESS_SECONDS", "1")),
                """{"detail-type":"Scheduled Event","id":"event-a","time":"2026-12-01T18:00:00Z"}""");
            var failing = Assert.ThrowsAsync<S3ZipExport.Records.BadRecordException>(() => ExportRun.InvokeAsync(
                ExportRun.Environment(s3, _source.Url("/bad"), "tests/run-b.zip"),
                """{"detail-type":"Scheduled Event","id":"event-b","time":"2026-12-02T18:00:00Z"}"""));
            await Task.WhenAll(skipping, failing);
            text = capture.Text;
        }
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("{\"timestamp\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => l.TryGetProperty("eventId", out var id) && id.GetString() is "event-a" or "event-b")
            .ToList();

        foreach (var (id, key, time) in new[] { ("event-a", "tests/run-a.zip", "2026-12-01T18:00:00"), ("event-b", "tests/run-b.zip", "2026-12-02T18:00:00") })
        {
            var run = lines.Where(l => l.GetProperty("eventId").GetString() == id).ToList();
            Assert.True(run.Count >= 2, $"{id}: {run.Count} lines");
            Assert.All(run, l =>
            {
                Assert.Equal(key, l.GetProperty("key").GetString());
                Assert.StartsWith(time, l.GetProperty("scheduledTime").GetString());
                Assert.True(l.GetProperty("coldStart").ValueKind is JsonValueKind.True or JsonValueKind.False);
            });
        }
        var failed = Assert.Single(lines, l => Message(l) == "export failed");
        Assert.Equal("event-b", failed.GetProperty("eventId").GetString());
        Assert.Contains(lines, l => Message(l) == "export progress" && l.GetProperty("eventId").GetString() == "event-a");
    }

    [LocalS3Fact]
    public async Task Only_the_first_100_skipped_records_are_logged_one_by_one_and_the_summary_counts_them_all()
    {
        // 300 records: every second one (records 2, 4, ..., 300) is a number, not an object.
        _source.MapString("/many-bad", "{\"events\":[" + string.Join(",", Enumerable.Range(1, 150).Select(i => $"{{\"id\":{i}}},{i}")) + "]}");
        string text;
        JsonElement summary;
        using (var capture = new ConsoleCapture())
        {
            summary = await ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/many-bad"), "tests/many-bad.zip", ("EXPORT_ON_BAD_RECORD", "skip")));
            text = capture.Text;
        }
        var skipped = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{') && l.Contains("tests/many-bad.zip"))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => Message(l) == "record skipped")
            .ToList();

        Assert.Equal(Enumerable.Range(1, 100).Select(i => 2L * i), skipped.Select(l => l.GetProperty("record").GetInt64()));
        Assert.All(skipped, l => Assert.Equal("Warning", l.GetProperty("level").GetString()));
        Assert.Equal(150, summary.GetProperty("skippedRecords").GetInt64());
        Assert.Equal(300, summary.GetProperty("records").GetInt64());
        Assert.Equal(150, summary.GetProperty("rows").GetInt64());
    }

    private static string? Message(JsonElement line) => line.TryGetProperty("message", out var m) ? m.GetString() : null;
}
