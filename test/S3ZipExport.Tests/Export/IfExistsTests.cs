using System.Net;
using Amazon.S3.Model;
using S3ZipExport.Aws;
using S3ZipExport.Export;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Export;

[Collection(LocalS3Collection.Name)]
public sealed class IfExistsTests : IAsyncLifetime
{
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;

    public IfExistsTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync()
    {
        _source = await SourceServer.StartAsync();
        _source.MapString("/v1", """{"events":[{"title":"first run"}]}""");
        _source.MapString("/v2", """{"events":[{"title":"second run"}]}""");
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    // The bucket outlives a test: each test's keys are its own, so no other test's object is "already there".
    private readonly string _prefix = $"tests/if-exists-{Guid.NewGuid():N}/";

    private Task<System.Text.Json.JsonElement> ExportAsync(string path, string key, string ifExists) =>
        ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url(path), _prefix + key, ("EXPORT_IF_EXISTS", ifExists)));

    private Task<byte[]> DownloadAsync(string key) => _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, _prefix + key);

    [LocalS3Fact]
    public async Task Overwrite_replaces_the_object_of_an_earlier_run()
    {
        await ExportAsync("/v1", "overwrite.zip", "overwrite");
        await ExportAsync("/v2", "overwrite.zip", "overwrite");
        Assert.Contains("second run", Unzip(await DownloadAsync("overwrite.zip")));
    }

    [LocalS3Fact]
    public async Task Skip_does_nothing_when_the_object_exists_and_says_so()
    {
        await ExportAsync("/v1", "skip.zip", "skip");
        _source.ClearRequests();
        var summary = await ExportAsync("/v2", "skip.zip", "skip");
        Assert.True(summary.GetProperty("skipped").GetBoolean());
        Assert.Empty(_source.Requests);
        Assert.Contains("first run", Unzip(await DownloadAsync("skip.zip")));
        // As the README says: the same fields as any summary, with nothing uploaded there is no checksum or ETag.
        Assert.Equal(SummaryFields.Documented.Order(), summary.EnumerateObject().Select(p => p.Name).Order());
        foreach (var name in new[] { "etag", "checksumAlgorithm", "checksum" })
            Assert.Equal(System.Text.Json.JsonValueKind.Null, summary.GetProperty(name).ValueKind);
    }

    [LocalS3Fact]
    public async Task A_summary_has_the_fields_the_README_lists_and_a_one_run_export_counts_one_invocation()
    {
        var summary = await ExportAsync("/v1", "fields.zip", "overwrite");
        Assert.Equal(SummaryFields.Documented.Order(), summary.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(1, summary.GetProperty("invocations").GetInt32());
        Assert.Equal("CRC64NVME", summary.GetProperty("checksumAlgorithm").GetString());
        Assert.False(summary.GetProperty("skipped").GetBoolean());
    }

    [LocalS3Fact]
    public async Task Fail_refuses_to_replace_an_existing_object_and_leaves_it_untouched()
    {
        await ExportAsync("/v1", "fail.zip", "fail");
        // A small export goes up in one PutObject, which carries the same condition a Complete would.
        Assert.Contains(_s3.Proxy.Requests, r => r.Operation == S3Operation.PutObject && r.Headers.GetValueOrDefault("if-none-match") == "*");
        var e = await Assert.ThrowsAsync<ExportFailedException>(() => ExportAsync("/v2", "fail.zip", "fail"));
        Assert.Contains("already exists", e.Message);
        Assert.Contains("first run", Unzip(await DownloadAsync("fail.zip")));
        await _s3.AssertNoUploadLeftAsync();
    }

    [LocalS3Fact]
    public async Task Fail_refuses_at_complete_an_object_that_appeared_during_the_export_and_leaves_no_upload()
    {
        // Another writer puts the key after the existence check, while the parts upload: Complete's If-None-Match: *
        // is what refuses then (412 PreconditionFailed), and the upload is aborted. Several parts, so the export
        // is a multipart upload whatever its size threshold for a single PutObject.
        ExportSource.MapManyRecords(_source, "/big", 6000);
        var key = _prefix + "raced.zip";
        var intruder = 0;
        _s3.Proxy.Inject = r =>
        {
            if (r.Operation == S3Operation.UploadPart && Interlocked.Exchange(ref intruder, 1) == 0)
                _s3.S3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = LocalS3Fixture.Bucket,
                    Key = key,
                    ContentBody = "the other writer's",
                    UseChunkEncoding = false,
                }).GetAwaiter().GetResult();
            return null;
        };

        var e = await Assert.ThrowsAsync<AwsRequestException>(() => ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/big"), key,
            [.. ExportSource.ManyPartsSettings, ("EXPORT_IF_EXISTS", "fail")])));

        Assert.StartsWith($"s3://{LocalS3Fixture.Bucket}/{key} appeared during the export; EXPORT_IF_EXISTS=fail kept it and discarded this export.", e.Message);
        Assert.Equal((HttpStatusCode.PreconditionFailed, "PreconditionFailed"), (e.StatusCode, e.ErrorCode));
        var complete = Assert.Single(_s3.Proxy.Requests, r => r.Operation == S3Operation.CompleteMultipartUpload);
        Assert.Equal(("*", 412), (complete.Headers.GetValueOrDefault("if-none-match"), complete.StatusCode));
        Assert.Equal("the other writer's"u8.ToArray(), await DownloadAsync("raced.zip"));
        await _s3.AssertNoUploadLeftAsync();
    }

    private static string Unzip(byte[] zip)
    {
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        using var csv = new MemoryStream();
        archive.Entries.Single().Open().CopyTo(csv);
        return System.Text.Encoding.UTF8.GetString(csv.ToArray());
    }
}
