using System.Net;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3ZipExport.Aws;
using S3ZipExport.Contract;

namespace S3ZipExport.Upload;

/// <summary>
/// <see cref="IUploadClient"/> on the S3 low-level multipart API (not TransferUtility, whose non-seekable path
/// uploads one part at a time with a fixed part size). Every body carries its checksum, computed here from the
/// buffer in memory, which S3 verifies on arrival; a failed request is retried by the SDK (Aws/AwsClients) from the
/// same buffer. Each failure is described with the operation, the object, the status and the attempts really made.
/// </summary>
internal sealed class S3UploadClient(IAmazonS3 s3, UploadOptions target) : IUploadClient
{
    private string Object => $"s3://{target.Bucket}/{target.Key}";

    public async Task<string> CreateAsync(CancellationToken ct)
    {
        var request = new InitiateMultipartUploadRequest
        {
            BucketName = target.Bucket,
            Key = target.Key,
            ContentType = target.ContentType,
            Headers = { ContentDisposition = target.ContentDisposition },
            ChecksumAlgorithm = target.Checksum.ToSdk(),
            ChecksumType = ChecksumType.FULL_OBJECT,
            ServerSideEncryptionMethod = target.ServerSideEncryption is { } sse ? ServerSideEncryptionMethod.FindValue(sse) : null,
            ServerSideEncryptionKeyManagementServiceKeyId = target.SseKmsKeyId,
        };
        return (await SendAsync("CreateMultipartUpload", request, () => s3.InitiateMultipartUploadAsync(request, ct), "s3:PutObject")).UploadId;
    }

    public async Task<UploadedPart> UploadPartAsync(string uploadId, int partNumber, ReadOnlyMemory<byte> body, ulong checksum, CancellationToken ct)
    {
        using var stream = AsStream(body);
        var value = target.Checksum.ToS3(checksum);
        var request = new UploadPartRequest
        {
            BucketName = target.Bucket,
            Key = target.Key,
            UploadId = uploadId,
            PartNumber = partNumber,
            PartSize = body.Length,
            InputStream = stream,
            // Plain-HTTP endpoints otherwise get aws-chunked framing, which some S3-compatible servers store as data.
            UseChunkEncoding = false,
            ChecksumAlgorithm = target.Checksum.ToSdk(),
        };
        SetChecksum(request, value);
        var response = await SendAsync($"UploadPart {partNumber}", request, () => s3.UploadPartAsync(request, ct), "s3:PutObject");
        return new UploadedPart(partNumber, response.ETag, checksum, body.Length);
    }

    public async Task<string> CompleteAsync(string uploadId, IReadOnlyList<UploadedPart> parts, ulong objectChecksum, long objectSize, CancellationToken ct)
    {
        var request = new CompleteMultipartUploadRequest
        {
            BucketName = target.Bucket,
            Key = target.Key,
            UploadId = uploadId,
            PartETags = parts.Select(PartETagOf).ToList(),
            ChecksumType = ChecksumType.FULL_OBJECT,
            MpuObjectSize = objectSize,
            IfNoneMatch = target.OnlyIfAbsent ? "*" : null,
        };
        SetChecksum(request, target.Checksum.ToS3(objectChecksum));
        return (await SendAsync("CompleteMultipartUpload", request, () => s3.CompleteMultipartUploadAsync(request, ct), "s3:PutObject")).ETag;
    }

    public async Task AbortAsync(string uploadId, CancellationToken ct)
    {
        var request = new AbortMultipartUploadRequest { BucketName = target.Bucket, Key = target.Key, UploadId = uploadId };
        try
        {
            await SendAsync("AbortMultipartUpload", request, () => s3.AbortMultipartUploadAsync(request, ct), "s3:AbortMultipartUpload");
        }
        catch (AwsRequestException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone (aborted, or expired by the bucket's lifecycle rule).
        }
    }

    public async Task<string> PutAsync(ReadOnlyMemory<byte> body, ulong checksum, CancellationToken ct)
    {
        using var stream = AsStream(body);
        var request = new PutObjectRequest
        {
            BucketName = target.Bucket,
            Key = target.Key,
            InputStream = stream,
            ContentType = target.ContentType,
            Headers = { ContentDisposition = target.ContentDisposition, ContentLength = body.Length },
            UseChunkEncoding = false,
            ChecksumAlgorithm = target.Checksum.ToSdk(),
            IfNoneMatch = target.OnlyIfAbsent ? "*" : null,
            ServerSideEncryptionMethod = target.ServerSideEncryption is { } sse ? ServerSideEncryptionMethod.FindValue(sse) : null,
            ServerSideEncryptionKeyManagementServiceKeyId = target.SseKmsKeyId,
        };
        SetChecksum(request, target.Checksum.ToS3(checksum));
        return (await SendAsync("PutObject", request, () => s3.PutObjectAsync(request, ct), "s3:PutObject")).ETag;
    }

    private async Task<T> SendAsync<T>(string operation, AmazonWebServiceRequest request, Func<Task<T>> send, string action)
    {
        try
        {
            return await send();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed && target.OnlyIfAbsent)
        {
            throw AwsRequestException.Of($"{Object} appeared during the export; {SettingNames.IfExists}=fail kept it and discarded this export. " +
                                         $"S3 {operation}", request, e);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            throw AwsRequestException.Of($"S3 {operation} of {Object}", request, e, Hint(e, action));
        }
    }

    private string? Hint(Exception failure, string action)
    {
        if (AwsRequestException.IsKms(failure))
            return $"With {SettingNames.ServerSideEncryption}=aws:kms the function's role needs kms:GenerateDataKey and kms:Decrypt on {target.SseKmsKeyId ?? "the key"}, and the key's policy must allow the role";
        if (AwsRequestException.IsAccessDenied(failure))
            return $"The function's role needs {action} on arn:aws:s3:::{target.Bucket}/{target.Key}";
        return null;
    }

    private void SetChecksum(PutObjectRequest request, string value)
    {
        if (target.Checksum == FullObjectChecksum.Crc32) request.ChecksumCRC32 = value;
        else request.ChecksumCRC64NVME = value;
    }

    private void SetChecksum(UploadPartRequest request, string value)
    {
        if (target.Checksum == FullObjectChecksum.Crc32) request.ChecksumCRC32 = value;
        else request.ChecksumCRC64NVME = value;
    }

    private void SetChecksum(CompleteMultipartUploadRequest request, string value)
    {
        if (target.Checksum == FullObjectChecksum.Crc32) request.ChecksumCRC32 = value;
        else request.ChecksumCRC64NVME = value;
    }

    private PartETag PartETagOf(UploadedPart part)
    {
        var tag = new PartETag(part.Number, part.ETag);
        var value = target.Checksum.ToS3(part.Checksum);
        if (target.Checksum == FullObjectChecksum.Crc32) tag.ChecksumCRC32 = value;
        else tag.ChecksumCRC64NVME = value;
        return tag;
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
}
