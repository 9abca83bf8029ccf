using S3ZipExport.Benchmarks;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Bench;

/// <summary>
/// The benchmark's command line for the checksum and sliced stages, and the pieces of the sliced stage that talk to
/// the function: the first payload it sends, the cut lines it reads and how it sorts the requests it counts. Nothing
/// here runs an export or times anything.
/// </summary>
public class BenchmarkToolTests
{
    [Theory]
    [InlineData("60", 60)]
    [InlineData("2.5", 2.5)]
    [InlineData("0.1", 0.1)]
    public void Sliced_takes_seconds_as_EXPORT_SLICE_SECONDS_does(string value, double seconds)
    {
        var options = BenchOptions.Parse(["--size-mb", "300", "--sliced", value]);

        Assert.Equal(Stage.Sliced, options.Stage);
        Assert.Equal(seconds, options.SliceSeconds);
        Assert.Equal(300, options.SizeMB);
    }

    [Theory]
    [InlineData("--sliced", "0")]
    [InlineData("--sliced", "0.05")]
    [InlineData("--sliced", "-1")]
    [InlineData("--sliced", "1e3")]
    [InlineData("--sliced", "sixty")]
    [InlineData("--sliced", "86401")]
    [InlineData("--stage", "sliced")]
    public void Sliced_refuses_what_is_not_seconds_in_range(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => BenchOptions.Parse([name, value]));
        Assert.Contains("--sliced", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sliced_needs_the_source_that_answers_ranges_and_is_a_stage_of_its_own()
    {
        Assert.Contains("--source file", Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--sliced", "5", "--source", "generated"])).Message,
            StringComparison.Ordinal);
        Assert.Contains("--stage checksum", Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--sliced", "5", "--stage", "checksum"])).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Checksum_hashes_its_own_size_unless_told()
    {
        Assert.Equal(BenchOptions.ChecksumSizeMB, BenchOptions.Parse(["--stage", "checksum"]).SizeMB);
        Assert.Equal(300, BenchOptions.Parse(["--stage", "checksum", "--size-mb", "300"]).SizeMB);
        Assert.Equal(Stage.Checksum, BenchOptions.Parse(["--stage", "checksum", "--part-mib", "16"]).Stage);
        Assert.Null(BenchOptions.Parse(["--stage", "checksum"]).SliceSeconds);
    }

    [Fact]
    public void The_first_payload_is_one_the_function_reads_as_the_start_of_an_export_of_several_invocations()
    {
        var now = new DateTimeOffset(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);

        var invocation = InvocationEvent.Parse(StateMachineLoop.FirstPayload(now, "bench-0123456789ab"), TimeProvider.System);

        Assert.NotNull(invocation.Slice);
        Assert.Equal("bench-0123456789ab", invocation.Slice.Execution);
        Assert.Equal(now, invocation.Slice.StartedAt);
        Assert.Null(invocation.Slice.StateLocation);
        Assert.Equal(1, invocation.Slice.Invocation);
        Assert.Equal(now, invocation.Time);
        Assert.Equal("bench-0123456789ab", invocation.Id);
        Assert.Empty(invocation.Overrides);
    }

    [Fact]
    public void Cut_lines_are_read_from_the_log_and_other_lines_left()
    {
        const string log = """
            {"timestamp":"2026-12-03T18:00:00Z","level":"Information","message":"export started","coldStart":true,"compressionThreads":1}
            not JSON at all
            {"timestamp":"2026-12-03T18:00:05Z","level":"Information","message":"export cut","coldStart":true,"invocation":1,"state":"s3://b/p/x/state.json","records":22154,"parts":1,"zipBytes":11652123,"tailBytes":3264000,"sourceBytesReadAgain":259200,"elapsedSeconds":5.103}
            {"timestamp":"2026-12-03T18:00:06Z","level":"Information","message":"export resumed","invocation":2,"records":22154,"zipBytes":11652123}
            {"timestamp":"2026-12-03T18:00:09Z","level":"Information","message":"progress","note":"not an \"export cut\" line"}
            """;

        var cuts = CutFigures.FromLog(log);

        Assert.Equal([new CutFigures(1, 22154, 1, 11652123, 3264000, 259200, 5.103)], cuts);
    }

    [Theory]
    [InlineData("GET", "http://127.0.0.1:9000/bench/bench-state/0a1b/state.json", "state GET")]
    [InlineData("PUT", "http://127.0.0.1:9000/bench/bench-state/0a1b/state.json", "state PUT")]
    [InlineData("PUT", "http://127.0.0.1:9000/bench/bench-state/0a1b/tail-00001.bin", "tail PUT")]
    [InlineData("DELETE", "http://127.0.0.1:9000/bench/bench-state/0a1b/tail-00001.bin", "tail DELETE")]
    [InlineData("PUT", "http://127.0.0.1:9000/bench/bench-state/0a1b/upload-dTZv", "state record PUT")]
    [InlineData("GET", "http://127.0.0.1:9000/bench/?list-type=2&prefix=bench-state%2F0a1b%2Fupload-", "state list GET")]
    [InlineData("PUT", "http://127.0.0.1:9000/bench/bench/export-300mb-2.zip?partNumber=1&uploadId=*", "upload PUT")]
    [InlineData("POST", "http://127.0.0.1:9000/bench/bench/export-300mb-2.zip?uploads", "upload POST")]
    [InlineData("GET", "http://127.0.0.1:7000/events.json?size_mb=*", "source GET")]
    [InlineData("GET", "http://127.0.0.1:8000/anything", "other GET")]
    public void Requests_are_sorted_by_what_they_are_for(string method, string url, string kind) =>
        Assert.Equal(kind, HttpRequestCounter.KindOf(method, new Uri(url), new Uri("http://127.0.0.1:9000/"),
            new Uri("http://127.0.0.1:7000/events.json?size_mb=300"), "bench-state/"));

    [Fact]
    public void Without_a_state_prefix_every_request_to_S3_is_the_upload() =>
        Assert.Equal("upload GET", HttpRequestCounter.KindOf("GET", new Uri("http://127.0.0.1:9000/bench/bench-state/0a1b/state.json"),
            new Uri("http://127.0.0.1:9000/"), new Uri("http://127.0.0.1:7000/events.json"), statePrefix: null));
}
