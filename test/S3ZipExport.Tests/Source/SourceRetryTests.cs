using System.Net;
using System.Net.Sockets;
using S3ZipExport.Source;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using static S3ZipExport.Tests.Source.SourceExport;

namespace S3ZipExport.Tests.Source;

/// <summary>Transient source failures are retried until the export succeeds; the rest fail at once, saying why.</summary>
[Collection(LocalS3Collection.Name)]
public sealed class SourceRetryTests : IAsyncLifetime
{
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;
    private static readonly byte[] Body = Events(20);

    public SourceRetryTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Theory]
    [InlineData(500, 2)]
    [InlineData(503, 1)]
    [InlineData(502, 1)]
    [InlineData(504, 1)]
    [InlineData(408, 1)]
    public async Task Transient_status_is_retried_and_the_export_is_complete(int status, int failures)
    {
        _source.Map("/events", FailingFirst(failures, Status(status), Body));
        var key = $"tests/retry-{status}.zip";

        var summary = await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), key));

        Assert.Equal(failures + 1, _source.Requests.Count);
        Assert.Equal(20, summary.GetProperty("records").GetInt64());
        Assert.Equal(21, (await ReadCsvAsync(_s3, key)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Empty(await _s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket));
    }

    [LocalS3Fact]
    public async Task A_deadline_that_strikes_while_the_source_keeps_failing_says_so_and_that_nothing_was_uploaded()
    {
        _source.Map("/events", Status(503));
        var key = "tests/deadline-503.zip";

        // 11 s timeout − 10 s margin: 1 s of retries at a 400 ms base, then the deadline.
        var e = await Assert.ThrowsAsync<S3ZipExport.Export.ExportFailedException>(() => ExportRun.InvokeAsync(
            Environment(_s3, _source.Url("/events"), key, ("EXPORT_TIMEOUT_SECONDS", "11"), ("EXPORT_SOURCE_RETRY_BASE_MS", "400"), ("EXPORT_SOURCE_MAX_ATTEMPTS", "20"))));

        Assert.Contains("before any record was read while the source was still failing (HTTP 503 Service Unavailable, attempt ", e.Message);
        Assert.Contains("nothing had been uploaded yet, so nothing was written", e.Message);
        Assert.DoesNotContain("answered", e.Message);
        await _s3.AssertNothingLeftAsync(key);
    }

    [LocalS3Fact]
    public async Task Too_many_requests_with_Retry_After_in_seconds_waits_that_long()
    {
        _source.Map("/events", FailingFirst(1, Status(429, "1"), Body));

        await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), "tests/429-seconds.zip"));

        var requests = _source.Requests;
        Assert.Equal(2, requests.Count);
        Assert.InRange(requests[1].Time - requests[0].Time, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(5));
    }

    [LocalS3Fact]
    public async Task Too_many_requests_with_Retry_After_as_an_HTTP_date_waits_until_then()
    {
        // An HTTP-date has whole seconds: two seconds ahead is at least one second after truncation.
        _source.Map("/events", FailingFirst(1, context =>
            Status(429, DateTimeOffset.UtcNow.AddSeconds(2).ToString("R"))(context), Body));

        await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), "tests/429-date.zip"));

        var requests = _source.Requests;
        Assert.Equal(2, requests.Count);
        Assert.InRange(requests[1].Time - requests[0].Time, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(5));
    }

    [LocalS3Fact]
    public async Task Too_many_requests_without_Retry_After_waits_at_least_the_base_delay()
    {
        // connpass answers 429 with no Retry-After to clients over one request a second.
        const int baseMs = 300;
        _source.Map("/events", FailingFirst(2, Status(429), Body));

        await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), "tests/429-bare.zip", ("EXPORT_SOURCE_RETRY_BASE_MS", $"{baseMs}")));

        var requests = _source.Requests;
        Assert.Equal(3, requests.Count);
        Assert.True(requests[1].Time - requests[0].Time >= TimeSpan.FromMilliseconds(baseMs - 20), $"first gap {requests[1].Time - requests[0].Time}");
        Assert.True(requests[2].Time - requests[1].Time >= TimeSpan.FromMilliseconds(2 * baseMs - 20), $"second gap {requests[2].Time - requests[1].Time}");
    }

    [LocalS3Fact]
    public async Task Transient_status_that_never_ends_fails_after_the_attempt_budget_with_nothing_left_behind()
    {
        _source.Map("/events", Status(503));
        var key = "tests/503-forever.zip";

        var e = await Assert.ThrowsAsync<SourceException>(() =>
            ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events?api_key=hush"), key, ("EXPORT_SOURCE_MAX_ATTEMPTS", "3"))));

        Assert.Contains("HTTP 503", e.Message);
        Assert.Contains("after 3 attempts (EXPORT_SOURCE_MAX_ATTEMPTS=3)", e.Message);
        Assert.DoesNotContain("hush", e.Message);
        Assert.Equal(3, _source.Requests.Count);
        await AssertNothingLeftAsync(_s3, key);
    }

    [LocalS3Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(400)]
    [InlineData(404)]
    public async Task Non_transient_status_fails_at_once_with_the_status_and_the_redacted_URL(int status)
    {
        _source.Map("/events", Status(status));
        var key = $"tests/{status}.zip";

        var e = await Assert.ThrowsAsync<SourceException>(() =>
            ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events?ym=202611&token=t0ps3cret"), key)));

        Assert.Contains($"HTTP {status}", e.Message);
        Assert.Contains("/events?ym=202611&token=REDACTED", e.Message);
        Assert.DoesNotContain("t0ps3cret", e.Message);
        await AssertFailedAtOnceAsync(key);
    }

    [LocalS3Theory]
    [InlineData(429, 3600, false)]
    [InlineData(503, 301, false)]
    [InlineData(503, 600, true)]
    public async Task Retry_After_longer_than_five_minutes_fails_at_once_without_waiting(int status, int seconds, bool asDate)
    {
        var retryAfter = asDate ? DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("R") : seconds.ToString();
        _source.Map("/events", FailingFirst(1, Status(status, retryAfter), Body));
        var key = $"tests/retry-after-{status}-{seconds}.zip";

        // Were it waited for, the deadline (20 s − 10 s margin) would cut the wait and fail this test in seconds, not hours.
        var e = await Assert.ThrowsAsync<SourceException>(() => ExportRun.InvokeAsync(
            Environment(_s3, _source.Url("/events"), key, ("EXPORT_TIMEOUT_SECONDS", "20"))));

        Assert.Contains($"HTTP {status}", e.Message);
        Assert.Contains("asked to retry after", e.Message);
        Assert.Contains("longer than the 300 s an export waits", e.Message);
        await AssertFailedAtOnceAsync(key);
    }

    /// <summary>Failed at once: one request to the source, no upload begun, nothing left in the bucket.</summary>
    private async Task AssertFailedAtOnceAsync(string key)
    {
        Assert.Single(_source.Requests);
        Assert.DoesNotContain(_s3.Proxy.Requests, r => r.Operation == S3Operation.CreateMultipartUpload);
        await AssertNothingLeftAsync(_s3, key);
    }

    [LocalS3Fact]
    public async Task Refused_connection_is_retried_then_fails_saying_it_could_not_be_reached()
    {
        var closedPort = ClosedPort();
        var key = "tests/refused.zip";

        var e = await Assert.ThrowsAsync<SourceException>(() =>
            ExportRun.InvokeAsync(Environment(_s3, new Uri($"http://127.0.0.1:{closedPort}/events"), key, ("EXPORT_SOURCE_MAX_ATTEMPTS", "3"))));

        Assert.Contains($"Source http://127.0.0.1:{closedPort}/events could not be read after 3 attempts", e.Message);
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_s3.Proxy.Requests, r => r.Operation == S3Operation.CreateMultipartUpload);
        await AssertNothingLeftAsync(_s3, key);
    }

    /// <summary>A loopback port that was just free: bound by the OS, then released, so nothing listens there.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
