using S3ZipExport.Aws;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Upload;

/// <summary>
/// Every S3 failure says it was S3, which operation, which object, the status and error code, and how many attempts
/// were really made, with what to do where that helps. Faults are injected in front of moto; the real handler runs.
/// </summary>
[Collection(LocalS3Collection.Name)]
public sealed class S3FailureMessageTests : IAsyncLifetime
{
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;

    public S3FailureMessageTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync()
    {
        _source = await SourceServer.StartAsync();
        ExportSource.MapManyRecords(_source, "/events", 8000);   // two 5 MiB parts and a bit: a multipart upload
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    private async Task<AwsRequestException> FailAsync(string key, Func<RecordedRequest, Fault?> inject)
    {
        _s3.Proxy.Inject = inject;
        var e = await Assert.ThrowsAsync<AwsRequestException>(() =>
            ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), key, ExportSource.ManyPartsSettings)));
        _s3.Proxy.Inject = null;
        await _s3.AssertNothingLeftAsync(key);
        return e;
    }

    [LocalS3Fact]
    public async Task A_complete_that_keeps_failing_names_S3_the_operation_the_object_the_status_and_the_attempts()
    {
        var e = await FailAsync("tests/complete-500.zip", r => r.Operation == S3Operation.CompleteMultipartUpload ? Fault.Error(500, "InternalError") : null);
        Assert.StartsWith(
            $"S3 CompleteMultipartUpload of s3://{LocalS3Fixture.Bucket}/tests/complete-500.zip failed after {1 + AwsClients.S3Retries} attempts: HTTP 500 InternalError:",
            e.Message);
    }

    [LocalS3Fact]
    public async Task A_refused_create_says_it_was_not_retried_and_which_permission_the_role_needs()
    {
        var e = await FailAsync("tests/create-403.zip", r => r.Operation == S3Operation.CreateMultipartUpload ? Fault.Error(403, "AccessDenied") : null);
        Assert.Equal(
            $"S3 CreateMultipartUpload of s3://{LocalS3Fixture.Bucket}/tests/create-403.zip failed (1 attempt, not retried): HTTP 403 AccessDenied: " +
            $"Injected by S3RecordingProxy.Inject. The function's role needs s3:PutObject on arn:aws:s3:::{LocalS3Fixture.Bucket}/tests/create-403.zip",
            e.Message);
    }

    [LocalS3Fact]
    public async Task A_part_with_a_bad_digest_is_not_retried_and_says_which_part()
    {
        var e = await FailAsync("tests/part-400.zip", r => r.Operation == S3Operation.UploadPart && r.PartNumber == 2 ? Fault.Error(400, "BadDigest") : null);
        Assert.StartsWith($"S3 UploadPart 2 of s3://{LocalS3Fixture.Bucket}/tests/part-400.zip failed (1 attempt, not retried): HTTP 400 BadDigest", e.Message);
        Assert.Single(_s3.Proxy.Requests, r => r.Operation == S3Operation.UploadPart && r.PartNumber == 2);
    }

    [LocalS3Fact]
    public async Task A_small_export_refused_at_its_single_put_names_PutObject()
    {
        _source.MapString("/small", """{"events":[{"title":"one"}]}""");
        _s3.Proxy.Inject = r => r.Operation == S3Operation.PutObject ? Fault.Error(403, "AccessDenied") : null;
        var e = await Assert.ThrowsAsync<AwsRequestException>(() =>
            ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/small"), "tests/put-403.zip")));
        Assert.StartsWith($"S3 PutObject of s3://{LocalS3Fixture.Bucket}/tests/put-403.zip failed (1 attempt, not retried): HTTP 403 AccessDenied", e.Message);
        Assert.EndsWith("The function's role needs s3:PutObject on arn:aws:s3:::exports/tests/put-403.zip", e.Message);
    }
}
