using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3ZipExport.Aws;
using S3ZipExport.Contract;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// EXPORT_IF_EXISTS=skip|fail look at the key before any work: EventBridge Scheduler invokes asynchronously, so
/// Lambda may retry a run and deliveries can repeat, and a rerun of the same scheduled time names the same key.
/// </summary>
internal static class ExistingObjectCheck
{
    /// <summary>
    /// Whether the export is to be skipped: the key exists and EXPORT_IF_EXISTS=skip. With =fail an existing key is an
    /// error; with =overwrite (the default) the key is not looked at.
    /// </summary>
    public static async Task<bool> SkipsAsync(IAmazonS3 s3, UploadOptions target, CancellationToken ct)
    {
        if (target.IfExists == IfExists.Overwrite || !await ExistsAsync(s3, target, ct)) return false;
        if (target.IfExists == IfExists.Fail)
            throw new ExportFailedException($"s3://{target.Bucket}/{target.Key} already exists and {SettingNames.IfExists}=fail.");
        return true;
    }

    private static async Task<bool> ExistsAsync(IAmazonS3 s3, UploadOptions target, CancellationToken ct)
    {
        var request = new GetObjectMetadataRequest { BucketName = target.Bucket, Key = target.Key };
        try
        {
            await s3.GetObjectMetadataAsync(request, ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            // Without s3:ListBucket S3 answers 403 rather than 404 for a missing key.
            throw new ExportFailedException(
                $"{SettingNames.IfExists}={target.IfExists.ToString().ToLowerInvariant()} needs s3:GetObject on the key and s3:ListBucket on s3://{target.Bucket} to tell whether '{target.Key}' exists; S3 HeadObject answered 403.", e);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            throw AwsRequestException.Of($"S3 HeadObject of s3://{target.Bucket}/{target.Key} ({SettingNames.IfExists}={target.IfExists.ToString().ToLowerInvariant()})", request, e);
        }
    }
}
