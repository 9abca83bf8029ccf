using Amazon.S3;
using Amazon.S3.Model;
using S3ZipExport.Export;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Upload;

/// <summary>Faults injected between the function and S3 (moto): the object is byte-exact after recovery, absent after failure.</summary>
[Collection(LocalS3Collection.Name)]
public sealed class UploadIntegrityAndFaultTests : IAsyncLifetime
{
    private const int Records = 20_000; // ≈ 24 MB of CSV and ZIP: five parts of 5 MiB
    private readonly LocalS3Fixture _s3;
    private readonly ITestOutputHelper _log;
    private SourceServer _source = null!;

    public UploadIntegrityAndFaultTests(LocalS3Fixture s3, ITestOutputHelper log)
    {
        _s3 = s3;
        _log = log;
        s3.Reset();
    }

    public async Task InitializeAsync()
    {
        _source = await SourceServer.StartAsync();
        ExportSource.MapManyRecords(_source, "/events", Records);
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    private Task<System.Text.Json.JsonElement> ExportAsync(string key, params (string, string)[] extra) =>
        ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), key, [.. ExportSource.ManyPartsSettings, .. extra]));

    [LocalS3Theory]
    [InlineData(null, "CRC64NVME")]
    [InlineData("crc64nvme", "CRC64NVME")]
    [InlineData("crc32", "CRC32")]
    public async Task Every_part_carries_the_checksum_of_its_bytes_and_the_whole_object_its_own(string? setting, string algorithm)
    {
        var key = $"tests/checksums-{algorithm}.zip";
        var summary = await ExportAsync(key, setting is null ? [] : [("EXPORT_CHECKSUM", setting)]);
        var zip = await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key);
        var header = $"x-amz-checksum-{algorithm.ToLowerInvariant()}";
        Assert.Equal(algorithm, summary.GetProperty("checksumAlgorithm").GetString());
        Assert.Equal(S3Checksums.Of(algorithm, zip), summary.GetProperty("checksum").GetString());

        var parts = _s3.Proxy.Requests.Where(r => r.Operation == S3Operation.UploadPart && r.Succeeded).OrderBy(r => r.PartNumber).ToList();
        Assert.True(parts.Count >= 4);
        long offset = 0;
        foreach (var part in parts)
        {
            var length = part.ContentLength!.Value;
            Assert.Equal(S3Checksums.Of(algorithm, zip.AsSpan((int)offset, (int)length)), part.Headers[header]);
            offset += length;
        }
        Assert.Equal(zip.Length, offset);
        var create = _s3.Proxy.Requests.Single(r => r.Operation == S3Operation.CreateMultipartUpload);
        Assert.Equal((algorithm, "FULL_OBJECT"), (create.Headers["x-amz-checksum-algorithm"], create.Headers["x-amz-checksum-type"]));
        // Complete carries the whole object's checksum, combined from the parts', and the object's size.
        var complete = _s3.Proxy.Requests.Single(r => r.Operation == S3Operation.CompleteMultipartUpload && r.Succeeded);
        Assert.Equal((S3Checksums.Of(algorithm, zip), "FULL_OBJECT", zip.Length.ToString()),
            (complete.Headers[header], complete.Headers["x-amz-checksum-type"], complete.Headers["x-amz-mp-object-size"]));

        // moto computes the stored checksum from the parts it holds (it does not take the value Complete sends), a
        // second, independent reckoning of the stored bytes; but only CRC-32: without the optional awscrt package
        // its "CRC64NVME" is a CRC-32.
        if (algorithm != "CRC32") return;
        var head = await _s3.S3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = LocalS3Fixture.Bucket,
            Key = key,
            ChecksumMode = ChecksumMode.ENABLED,
        });
        Assert.Equal((S3Checksums.Of(algorithm, zip), ChecksumType.FULL_OBJECT), (head.ChecksumCRC32, head.ChecksumType));
    }

    [LocalS3Theory]
    [InlineData(500, "InternalError")]
    [InlineData(503, "SlowDown")]
    public async Task A_failed_part_is_retried_and_the_object_is_byte_exact(int status, string code)
    {
        var reference = await ReferenceArchiveAsync();
        var failed = 0;
        _s3.Proxy.Inject = r => r.Operation == S3Operation.UploadPart && r.PartNumber == 3 && Interlocked.Increment(ref failed) <= 2
            ? Fault.Error(status, code) : null;
        var key = $"tests/retried-{status}.zip";
        await ExportAsync(key);
        Assert.Equal(2, failed - 1);
        Assert.Equal(reference, await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key));
        Assert.Empty(await _s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket));
    }

    [LocalS3Fact]
    public async Task A_part_whose_connection_resets_is_resent_and_the_object_is_byte_exact()
    {
        var reference = await ReferenceArchiveAsync();
        var resets = 0;
        // .NET resends a request on a fresh connection after a reset before any response byte; a reset
        // on every try for a while makes the SDK itself see the failure and retry.
        _s3.Proxy.Inject = r => r.Operation == S3Operation.UploadPart && r.PartNumber == 2 && Interlocked.Increment(ref resets) <= 12
            ? Fault.Reset(afterBodyBytes: 1024) : null;
        var key = "tests/reset.zip";
        await ExportAsync(key);
        Assert.True(resets > 12);
        Assert.Equal(reference, await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key));
    }

    [LocalS3Fact]
    public async Task A_failed_complete_is_retried_once_and_succeeds()
    {
        var reference = await ReferenceArchiveAsync();
        var failed = 0;
        _s3.Proxy.Inject = r => r.Operation == S3Operation.CompleteMultipartUpload && Interlocked.Increment(ref failed) == 1
            ? Fault.Error(500, "InternalError") : null;
        var key = "tests/complete-retried.zip";
        await ExportAsync(key);
        Assert.Equal(2, _s3.Proxy.Requests.Count(r => r.Operation == S3Operation.CompleteMultipartUpload));
        Assert.Equal(reference, await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key));
    }

    [LocalS3Fact]
    public async Task A_part_that_keeps_failing_aborts_the_upload_and_leaves_nothing()
    {
        _s3.Proxy.Inject = r => r.Operation == S3Operation.UploadPart && r.PartNumber == 2 ? Fault.Error(500, "InternalError") : null;
        var key = "tests/part-fails.zip";
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ExportAsync(key));
        _log.WriteLine(e.ToString());
        Assert.Contains("InternalError", e.ToString());
        Assert.Equal(1 + S3ZipExport.Aws.AwsClients.S3Retries,
            _s3.Proxy.Requests.Count(r => r.Operation == S3Operation.UploadPart && r.PartNumber == 2));
        Assert.Contains(_s3.Proxy.Requests, r => r.Operation == S3Operation.AbortMultipartUpload && r.Succeeded);
        await _s3.AssertNothingLeftAsync(key);
    }

    [LocalS3Fact]
    public async Task A_part_delayed_past_the_deadline_stops_the_export_with_how_far_it_got_and_leaves_nothing()
    {
        _s3.Proxy.Inject = r => r.Operation == S3Operation.UploadPart && r.PartNumber == 2 ? Fault.DelayBy(TimeSpan.FromSeconds(30)) : null;
        var key = "tests/deadline.zip";
        // 12 s timeout − 10 s margin: the export must stop after 2 s.
        var e = await Assert.ThrowsAsync<ExportFailedException>(() => ExportAsync(key, ("EXPORT_TIMEOUT_SECONDS", "12")));
        _log.WriteLine(e.Message);
        Assert.Contains("EXPORT_TIMEOUT_SECONDS=12", e.Message);
        Assert.Matches(@"after [\d,]+ records, [\d.,]+ MB read", e.Message);
        Assert.Contains("Raise the function's Timeout", e.Message);
        await _s3.AssertNothingLeftAsync(key);
    }

    [LocalS3Fact]
    public async Task Server_side_encryption_is_requested_when_configured()
    {
        await ExportAsync("tests/sse.zip", ("EXPORT_SSE", "aws:kms"), ("EXPORT_SSE_KMS_KEY_ID", "alias/exports"));
        var create = _s3.Proxy.Requests.Single(r => r.Operation == S3Operation.CreateMultipartUpload);
        Assert.Equal("aws:kms", create.Headers["x-amz-server-side-encryption"]);
        Assert.Equal("alias/exports", create.Headers["x-amz-server-side-encryption-aws-kms-key-id"]);
    }

    private async Task<byte[]> ReferenceArchiveAsync()
    {
        var key = $"tests/reference-{Guid.NewGuid():N}.zip";
        await ExportAsync(key);
        var bytes = await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key);
        _s3.Proxy.ClearRequests();
        return bytes;
    }
}
