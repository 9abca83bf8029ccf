using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>S3 clients for the local endpoints, and the read-back helpers tests assert with (test side only).</summary>
public static class S3TestClient
{
    /// <summary>Any key works with moto; s3rver knows only this one, its built-in account (others: InvalidAccessKeyId).</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>A path-style client for <paramref name="serviceUrl"/>; <paramref name="maxErrorRetry"/> null keeps the SDK default.</summary>
    public static AmazonS3Client Create(Uri serviceUrl, int? maxErrorRetry = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = serviceUrl.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            // The tests check every checksum against the bytes themselves. moto without the optional awscrt package
            // stores a CRC-32 under the name CRC64NVME and sends it with every download, which the SDK would
            // otherwise "validate" and reject.
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (maxErrorRetry is not null) config.MaxErrorRetry = maxErrorRetry.Value;
        return new AmazonS3Client(new BasicAWSCredentials(AccessKey, AccessKey), config);
    }

    /// <summary>The object's bytes exactly as stored.</summary>
    public static async Task<byte[]> DownloadAsync(this IAmazonS3 s3, string bucket, string key, CancellationToken ct = default)
    {
        using var response = await s3.GetObjectAsync(bucket, key, ct);
        using var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes, ct);
        return bytes.ToArray();
    }

    /// <summary>Multipart uploads neither completed nor aborted, optionally only those whose key starts with <paramref name="prefix"/>.</summary>
    public static async Task<IReadOnlyList<MultipartUpload>> ListIncompleteUploadsAsync(
        this IAmazonS3 s3, string bucket, string? prefix = null, CancellationToken ct = default)
    {
        var response = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix }, ct);
        // SDK v4 leaves empty collections null.
        return response.MultipartUploads ?? [];
    }

    public static async Task<bool> ObjectExistsAsync(this IAmazonS3 s3, string bucket, string key, CancellationToken ct = default)
    {
        try
        {
            await s3.GetObjectMetadataAsync(bucket, key, ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
