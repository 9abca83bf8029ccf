using System.IO.Compression;
using S3ZipExport.Source;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using static S3ZipExport.Tests.Source.SourceExport;

namespace S3ZipExport.Tests.Source;

/// <summary>A body that breaks off mid-way is continued with Range + If-Range when the server allows it, and fails clearly when not.</summary>
[Collection(LocalS3Collection.Name)]
public sealed class SourceResumeTests : IAsyncLifetime
{
    private const int BreakAfter = 100_000;
    private static readonly byte[] Body = Events(3000);   // about 400 KB
    // A source whose CSV fills a first 5 MiB part before the break (no compression), so the broken attempt has
    // created a multipart upload that its restart must abort: about 14 MiB of CSV before the break, more than one
    // part plus what the CSV pipe and the deflater can hold back (Export/MemoryBudget).
    private static readonly byte[] BigBody = Events(250_000);
    private const int BigBreakAfter = 28_000_000;   // of about 30 MB
    private static readonly (string, string)[] UploadBeforeTheBreak = [("EXPORT_COMPRESSION_LEVEL", "none"), ("EXPORT_PART_SIZE_MIB", "5")];
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;

    public SourceResumeTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    private async Task<string> UndisturbedCsvAsync(byte[]? body = null)
    {
        _source.MapBytes("/plain", body ?? Body);
        await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/plain"), "tests/undisturbed.zip"));
        return await ReadCsvAsync(_s3, "tests/undisturbed.zip");
    }

    private IReadOnlyList<RecordedSourceRequest> EventsRequests => _source.Requests.Where(r => r.Path == "/events").ToList();

    [LocalS3Theory]
    [InlineData("\"v1\"", "\"v1\"")]
    [InlineData(null, "Tue, 24 Nov 2026 00:00:00 GMT")]
    public async Task Dropped_body_resumes_from_the_last_byte_and_the_CSV_equals_an_undisturbed_run(string? etag, string expectedIfRange)
    {
        var expected = await UndisturbedCsvAsync();
        _source.Map("/events", RangedSource.BreaksFirst(Body, BreakAfter, etag: etag));

        var summary = await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), "tests/resumed.zip"));

        Assert.Equal(expected, await ReadCsvAsync(_s3, "tests/resumed.zip"));
        Assert.Equal(Body.Length, summary.GetProperty("sourceBytes").GetInt64());
        var requests = EventsRequests;
        Assert.Equal(2, requests.Count);
        Assert.False(requests[0].Headers.ContainsKey("range"));
        Assert.Equal($"bytes={BreakAfter}-", requests[1].Headers["range"]);
        Assert.Equal(expectedIfRange, requests[1].Headers["if-range"]);
        Assert.Empty(await _s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket));
    }

    [LocalS3Fact]
    public async Task Dropped_gzip_body_resumes_beneath_one_decompressor()
    {
        var expected = await UndisturbedCsvAsync();
        var gzipped = Gzip(Body);
        _source.Map("/events", RangedSource.BreaksFirst(gzipped, gzipped.Length / 2, contentEncoding: "gzip"));

        await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), "tests/resumed-gzip.zip"));

        Assert.Equal(expected, await ReadCsvAsync(_s3, "tests/resumed-gzip.zip"));
        Assert.Equal($"bytes={gzipped.Length / 2}-", EventsRequests[1].Headers["range"]);
    }

    [LocalS3Fact]
    public async Task Stalled_body_times_out_and_resumes()
    {
        var expected = await UndisturbedCsvAsync();
        _source.Map("/events", RangedSource.BreaksFirst(Body, BreakAfter, RangedSource.Break.Stall));

        await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), "tests/stalled.zip", ("EXPORT_SOURCE_READ_TIMEOUT_SECONDS", "1")));

        Assert.Equal(expected, await ReadCsvAsync(_s3, "tests/stalled.zip"));
        Assert.Equal($"bytes={BreakAfter}-", EventsRequests[1].Headers["range"]);
    }

    [LocalS3Fact]
    public async Task Dropped_body_without_range_support_restarts_the_export_with_a_new_upload()
    {
        var expected = await UndisturbedCsvAsync(BigBody);
        _source.Map("/events", RangedSource.BreaksFirst(BigBody, BigBreakAfter, ranges: false));
        _s3.Proxy.ClearRequests();

        var summary = await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), "tests/restarted.zip", UploadBeforeTheBreak));

        Assert.Equal(expected, await ReadCsvAsync(_s3, "tests/restarted.zip"));
        Assert.Equal(BigBody.Length, summary.GetProperty("sourceBytes").GetInt64());
        Assert.Equal(2, EventsRequests.Count);
        Assert.All(EventsRequests, r => Assert.False(r.Headers.ContainsKey("range")));
        Assert.Equal(2, _s3.Proxy.Requests.Count(r => r.Operation == S3Operation.CreateMultipartUpload));
        Assert.Single(_s3.Proxy.Requests, r => r.Operation == S3Operation.AbortMultipartUpload && r.Succeeded);
        Assert.Empty(await _s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket));
    }

    [LocalS3Fact]
    public async Task Dropped_body_without_range_support_fails_with_the_offset_after_the_restarts_and_leaves_nothing()
    {
        // A fresh breaking handler for every request: every attempt breaks off.
        _source.Map("/events", context => RangedSource.BreaksFirst(BigBody, BigBreakAfter, ranges: false)(context));
        var key = "tests/no-ranges.zip";

        var e = await Assert.ThrowsAsync<SourceException>(() =>
            ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events?ym=202611&api_key=hush"), key, UploadBeforeTheBreak)));

        Assert.Contains($"dropped at byte {BigBreakAfter}", e.Message);
        Assert.Contains("does not support resuming", e.Message);
        Assert.DoesNotContain("hush", e.Message);
        Assert.Equal(1 + S3ZipExport.Export.ExportJob.MaxRestarts, EventsRequests.Count);
        await AssertNothingLeftAsync(_s3, key);
        Assert.Equal(1 + S3ZipExport.Export.ExportJob.MaxRestarts,
            _s3.Proxy.Requests.Count(r => r.Operation == S3Operation.AbortMultipartUpload && r.Succeeded));
    }

    [LocalS3Fact]
    public async Task Resource_that_changed_before_the_resume_fails_the_export()
    {
        _source.Map("/events", RangedSource.BreaksFirst(Body, BreakAfter, laterBody: (Events(10), "\"v2\"")));
        var key = "tests/changed.zip";

        var e = await Assert.ThrowsAsync<SourceException>(() => ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), key)));

        Assert.Contains("changed while it was being read", e.Message);
        Assert.Contains($"byte {BreakAfter}", e.Message);
        Assert.Equal(2, EventsRequests.Count);
        await AssertNothingLeftAsync(_s3, key);
    }

    [LocalS3Fact]
    public async Task Resume_counts_against_the_attempt_budget()
    {
        _source.Map("/events", RangedSource.BreaksFirst(Body, BreakAfter));
        var key = "tests/no-attempts-left.zip";

        var e = await Assert.ThrowsAsync<SourceException>(() =>
            ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), key, ("EXPORT_SOURCE_MAX_ATTEMPTS", "1"))));

        Assert.Contains($"dropped at byte {BreakAfter}", e.Message);
        Assert.Contains("all 1 attempts are used", e.Message);
        Assert.Single(EventsRequests);
        await AssertNothingLeftAsync(_s3, key);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(bytes);
        return output.ToArray();
    }
}
