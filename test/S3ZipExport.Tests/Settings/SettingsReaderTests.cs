using System.IO.Compression;
using System.Text;
using S3ZipExport.Export;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Settings;

public class SettingsReaderTests
{
    private static readonly DateTimeOffset ScheduledTime = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string?> Minimal = new()
    {
        ["EXPORT_SOURCE_URL"] = "https://connpass.com/api/v2/events/?ym=202611",
        ["EXPORT_BUCKET"] = "my-exports",
    };

    private static ExportPlan Read(Dictionary<string, string?> env, string payload = """{"detail-type":"Scheduled Event","time":"2026-11-24T18:00:00Z","id":"abc-123"}""") =>
        SettingsReader.Read(env, InvocationEvent.Parse(Encoding.UTF8.GetBytes(payload), TimeProvider.System));

    private static Dictionary<string, string?> With(params (string Name, string? Value)[] changes)
    {
        var env = new Dictionary<string, string?>(Minimal);
        foreach (var (name, value) in changes) env[name] = value;
        return env;
    }

    [Fact]
    public void Defaults_apply_when_only_the_required_settings_are_set()
    {
        var s = Read(Minimal);
        Assert.Equal(["events"], s.Records.RecordsPath);
        Assert.Equal(["title", "started_at", "ended_at"], s.Records.Columns.Select(c => c.Header));
        Assert.Equal("exports/2026/11/24/events-20261124T180000Z.zip", s.Upload.Key);
        Assert.Equal("events.csv", s.Archive.EntryName);
        Assert.Equal(8 * 1024 * 1024, s.Upload.PartBytes);
        Assert.Equal(4, s.Upload.Concurrency);
        Assert.Equal(CompressionLevel.Optimal, s.Archive.Level);
        Assert.Null(s.Aws.S3Endpoint);
        Assert.Equal(ScheduledTime, s.Run.Time);
    }

    [Fact]
    public void Missing_required_settings_are_all_named_in_one_message()
    {
        var e = Assert.Throws<SettingsException>(() => Read(new Dictionary<string, string?>()));
        Assert.Contains("EXPORT_SOURCE_URL: required", e.Message);
        Assert.Contains("EXPORT_BUCKET: required", e.Message);
    }

    [Fact]
    public void Without_an_upload_the_bucket_may_be_missing_and_everything_else_is_still_checked()
    {
        var payload = """{"detail-type":"Scheduled Event","time":"2026-11-24T18:00:00Z","id":"abc-123"}"""u8.ToArray();
        var env = new Dictionary<string, string?> { ["EXPORT_SOURCE_URL"] = Minimal["EXPORT_SOURCE_URL"] };

        var plan = SettingsReader.ReadWithoutUpload(env, InvocationEvent.Parse(payload, TimeProvider.System));
        Assert.Equal("", plan.Upload.Bucket);

        env["EXPORT_COLUMNS"] = "title,,url";
        env["EXPORT_PART_SIZE_MIB"] = "4";
        var e = Assert.Throws<SettingsException>(() => SettingsReader.ReadWithoutUpload(env, InvocationEvent.Parse(payload, TimeProvider.System)));
        Assert.Contains("EXPORT_COLUMNS: column '' must be", e.Message);
        Assert.Contains("EXPORT_PART_SIZE_MIB: '4'", e.Message);
        Assert.DoesNotContain("EXPORT_BUCKET", e.Message);
    }

    [Theory]
    [InlineData("EXPORT_PART_SIZE_MIB", "4", "from 5 to 512")]
    [InlineData("EXPORT_PART_SIZE_MIB", "eight", "whole number")]
    [InlineData("EXPORT_UPLOAD_CONCURRENCY", "0", "from 1 to 64")]
    [InlineData("EXPORT_COMPRESSION_LEVEL", "max", "optimal, fastest, smallest, none")]
    [InlineData("EXPORT_KEY", "x/{date}.zip", "unknown placeholder '{date}'")]
    [InlineData("EXPORT_KEY", "x/{time}.zip", "needs a format")]
    [InlineData("EXPORT_KEY", "/x.zip", "must not start with '/'")]
    [InlineData("EXPORT_COLUMNS", "title,,url", "no empty parts")]
    [InlineData("EXPORT_COLUMNS", "a=x,a=y", "header 'a' appears more than once")]
    [InlineData("EXPORT_RECORDS_PATH", "data..items", "empty part")]
    [InlineData("EXPORT_ENTRY_NAME", "../evil.csv", "no '..'")]
    [InlineData("EXPORT_SOURCE_URL", "ftp://example.com/x", "not an absolute http(s) URL")]
    [InlineData("EXPORT_SOURCE_URL", "http://example.com/x", "EXPORT_ALLOW_HTTP=true")]
    [InlineData("AWS_ENDPOINT_URL_S3", "localhost:4568", "not an http(s) URL")]
    [InlineData("EXPORT_IF_EXISTS", "replace", "one of overwrite, skip, fail")]
    [InlineData("EXPORT_IF_EXISTS", "1", "one of overwrite, skip, fail")]
    [InlineData("EXPORT_SSE", "kms", "must be AES256 or aws:kms")]
    [InlineData("EXPORT_SSE_KMS_KEY_ID", "alias/x", "needs EXPORT_SSE=aws:kms")]
    [InlineData("EXPORT_TIMEOUT_SECONDS", "5", "from 11 to 86400")]
    [InlineData("EXPORT_FORMAT", "tar", "one of zip, gzip")]
    [InlineData("EXPORT_MAX_ROWS_PER_FILE", "-1", "whole number")]
    [InlineData("EXPORT_ENTRY_PER_SOURCE", "yes", "true or false")]
    [InlineData("EXPORT_ON_BAD_RECORD", "ignore", "one of fail, skip")]
    [InlineData("EXPORT_CHECKSUM", "sha256", "one of crc64nvme, crc32")]
    [InlineData("EXPORT_COMPRESSION_THREADS", "0", "from 1 to 64")]
    [InlineData("EXPORT_COMPRESSION_THREADS", "65", "from 1 to 64")]
    [InlineData("EXPORT_PARSE_THREADS", "0", "from 1 to 16")]
    [InlineData("EXPORT_PARSE_THREADS", "17", "from 1 to 16")]
    [InlineData("EXPORT_PROGRESS_SECONDS", "-1", "whole number from 0 to 3600")]
    [InlineData("EXPORT_PROGRESS_SECONDS", "2.5", "whole number from 0 to 3600")]
    [InlineData("EXPORT_SLICE_SECONDS", "0.05", "from 0.1 to 86400")]
    [InlineData("EXPORT_SLICE_SECONDS", "0", "from 0.1 to 86400")]
    [InlineData("EXPORT_MAX_INVOCATIONS", "0", "from 1 to 10000")]
    [InlineData("EXPORT_MAX_INVOCATIONS", "10001", "from 1 to 10000")]
    [InlineData("EXPORT_STATE_PREFIX", "exports-state", "ending with '/'")]
    [InlineData("EXPORT_ALLOW_HTTP", "yes", "true or false")]
    public void Invalid_setting_is_named_with_what_is_wrong(string name, string value, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => Read(With((name, value))));
        Assert.Contains($"{name}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Plain_http_source_is_allowed_when_asked_for() =>
        Assert.Equal("http", Read(With(("EXPORT_SOURCE_URL", "http://127.0.0.1:9/x"), ("EXPORT_ALLOW_HTTP", "true"))).Source.Urls[0].Scheme);

    [Fact]
    public void Secret_query_values_are_redacted_in_errors()
    {
        var e = Assert.Throws<SettingsException>(() => Read(With(("EXPORT_SOURCE_URL", "http://example.com/x?ym=202611&api_key=s3cr3t"))));
        Assert.DoesNotContain("s3cr3t", e.Message);
        Assert.Contains("ym=202611", e.Message);
    }

    [Fact]
    public void Empty_records_path_means_the_document_is_the_array() =>
        Assert.Empty(Read(With(("EXPORT_RECORDS_PATH", ""))).Records.RecordsPath);

    [Fact]
    public void Manual_payload_overrides_environment_settings_by_name()
    {
        var s = Read(Minimal, """{"EXPORT_KEY":"manual/{id}.zip","EXPORT_PART_SIZE_MIB":16,"id":"run-1","time":"2026-01-02T03:04:05Z"}""");
        Assert.Equal("manual/run-1.zip", s.Upload.Key);
        Assert.Equal(16L * 1024 * 1024, s.Upload.PartBytes);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), s.Run.Time);
    }

    [Fact]
    public void Manual_payload_with_an_unknown_setting_is_refused_by_name()
    {
        var e = Assert.Throws<SettingsException>(() => Read(Minimal, """{"EXPORT_KYE":"x.zip"}"""));
        Assert.Contains("'EXPORT_KYE'", e.Message);
    }

    [Fact]
    public void Manual_invocation_without_time_uses_the_current_UTC_time()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var s = Read(Minimal, """{"EXPORT_KEY":"m/{time:yyyyMMdd}.zip"}""");
        Assert.InRange(s.Run.Time, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal($"m/{s.Run.Time:yyyyMMdd}.zip", s.Upload.Key);
    }

    [Fact]
    public void EventBridge_event_fields_other_than_time_and_id_are_not_settings()
    {
        var s = Read(Minimal, """{"version":"0","id":"e-1","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-11-24T18:00:00Z","region":"ap-northeast-1","resources":[],"detail":{}}""");
        Assert.Equal("exports/2026/11/24/events-20261124T180000Z.zip", s.Upload.Key);
    }

    [Fact]
    public void Event_time_with_an_offset_is_converted_to_UTC_for_the_key()
    {
        var s = Read(With(("EXPORT_KEY", "{time:yyyy-MM-dd HH}")), """{"detail-type":"Scheduled Event","time":"2026-11-25T03:00:00+09:00"}""");
        Assert.Equal("2026-11-24 18", s.Upload.Key);
    }

    [Fact]
    public void Payload_that_is_not_JSON_is_refused() =>
        Assert.Contains("not JSON", Assert.Throws<SettingsException>(() => Read(Minimal, "EXPORT_KEY=x")).Message);

    [Fact]
    public void Timeout_leaves_a_margin_to_abort_cleanly()
    {
        Assert.Equal(TimeSpan.FromSeconds(855), Read(With(("EXPORT_TIMEOUT_SECONDS", "900"))).Run.StopAfter);
        Assert.Equal(TimeSpan.FromSeconds(50), Read(With(("EXPORT_TIMEOUT_SECONDS", "60"))).Run.StopAfter);
        Assert.Equal(TimeSpan.FromSeconds(3540), Read(With(("EXPORT_TIMEOUT_SECONDS", "3600"))).Run.StopAfter);   // 5 %, at most 60 s
        Assert.Null(Read(Minimal).Run.StopAfter);
    }

    [Fact]
    public void Buffers_larger_than_half_the_Lambda_memory_are_refused_naming_what_to_lower()
    {
        var e = Assert.Throws<SettingsException>(() => Read(With(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"), ("EXPORT_PART_SIZE_MIB", "32"))));
        Assert.Contains("more than half of the function's 256 MB", e.Message);
        Assert.Contains("Lower EXPORT_UPLOAD_CONCURRENCY or EXPORT_PART_SIZE_MIB", e.Message);
    }

    [Fact]
    public void The_READMEs_256_MB_recipe_has_one_thread_buffers_within_half_the_memory_and_room_for_191_GiB()
    {
        // Limits and costs: "A 256 MB function can export with EXPORT_PART_SIZE_MIB=5, EXPORT_UPLOAD_CONCURRENCY=2 ... up to 191 GiB".
        var plan = Read(With(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"), ("EXPORT_PART_SIZE_MIB", "5"), ("EXPORT_UPLOAD_CONCURRENCY", "2")));
        Assert.Equal(1, plan.Archive.Threads);
        Assert.True(plan.Memory.WorstCaseBytes <= 128L << 20, $"{plan.Memory.WorstCaseBytes >> 20} MiB of buffers");
        Assert.Equal(191, plan.Upload.Parts.Capacity >> 30);
    }

    [Fact]
    public void Parse_threads_batches_count_in_the_memory_budget_and_a_refusal_names_the_setting()
    {
        var one = Read(With(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")));
        var four = Read(With(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"), ("EXPORT_PARSE_THREADS", "4")));
        Assert.Equal(S3ZipExport.Export.ParallelCsvSink.WorstCaseBytes(4), four.Memory.PipeBytes - one.Memory.PipeBytes);
        var e = Assert.Throws<SettingsException>(() => Read(With(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"), ("EXPORT_PARSE_THREADS", "16"))));
        Assert.Contains("16 parse threads' batches", e.Message);
        Assert.Contains("or EXPORT_PARSE_THREADS", e.Message);
    }

    [Fact]
    public void Default_buffers_fit_a_256_MB_Lambda_even_with_six_compression_threads() =>
        Read(With(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"), ("EXPORT_COMPRESSION_THREADS", "6")));

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_S3", "http://attacker.example")]
    [InlineData("EXPORT_ALLOW_HTTP", "true")]
    [InlineData("EXPORT_TIMEOUT_SECONDS", "86400")]
    [InlineData("EXPORT_STATE_PREFIX", "attacker-state/")]
    [InlineData("EXPORT_MAX_INVOCATIONS", "10000")]
    [InlineData("AWS_ENDPOINT_URL_SSM", "http://attacker.example")]
    public void Manual_payload_may_not_override_environment_only_settings(string name, string value)
    {
        var e = Assert.Throws<SettingsException>(() => Read(Minimal, $$"""{"{{name}}":"{{value}}"}"""));
        Assert.Contains($"'{name}', which only the function's environment may set", e.Message);
    }

    [Fact]
    public void Without_a_Lambda_memory_size_compression_uses_every_processor_seen() =>
        Assert.Equal(Environment.ProcessorCount, Read(Minimal).Archive.Threads);

    [Fact]
    public void Gzip_cannot_be_split_into_several_files()
    {
        var e = Assert.Throws<SettingsException>(() => Read(With(("EXPORT_FORMAT", "gzip"), ("EXPORT_MAX_ROWS_PER_FILE", "1000"))));
        Assert.Contains("EXPORT_FORMAT: gzip holds a single file", e.Message);
    }
}
