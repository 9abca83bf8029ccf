using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SimpleSystemsManagement;

namespace S3ZipExport.Aws;

/// <summary>
/// The AWS clients of an export, pointed at AWS itself in the region, or at the endpoint override (an S3-compatible
/// server, path-style then; requests still signed for the region), with the given credentials or the SDK's default
/// chain (the Lambda role's).
/// </summary>
internal static class AwsClients
{
    /// <summary>Retries after the first attempt of each S3 request.</summary>
    public const int S3Retries = 5;

    public static IAmazonS3 S3(AwsOptions aws)
    {
        var config = new AmazonS3Config
        {
            // Checksums are chosen in code per request, not by SDK defaults: WHEN_SUPPORTED adds trailing checksums
            // that need aws-chunked bodies, which some S3-compatible servers store as object bytes.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // A failed request (a part, a 503 SlowDown, a reset) is retried by the SDK with exponential backoff
            // and jitter; the part's body is a MemoryStream over the buffer still in memory, rewound each time.
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = S3Retries,
            // SDK 4.1's retry quota is shared by the whole process (500 units, 14 a retry): after about 35 retries
            // every request gets a single attempt until successes earn it back. A long export that meets a spell of
            // 503 SlowDown would then fail a part on its first error; its few concurrent requests cannot make a
            // retry storm, so the quota is off and each request keeps its own retries.
            ThrottleRetries = false,
        };
        PointAt(config, aws.S3Endpoint, aws.Region);
        config.ForcePathStyle = aws.S3Endpoint is not null; // S3-compatible servers rarely resolve bucket subdomains
        return aws.Credentials is { } credentials ? new CountingS3Client(credentials, config) : new CountingS3Client(config);
    }

    public static AmazonSimpleSystemsManagementClient Ssm(AwsOptions aws)
    {
        var config = new AmazonSimpleSystemsManagementConfig();
        PointAt(config, aws.SsmEndpoint, aws.Region);
        return aws.Credentials is { } credentials ? new CountingSsmClient(credentials, config) : new CountingSsmClient(config);
    }

    private static void PointAt(ClientConfig config, Uri? endpoint, string region)
    {
        if (endpoint is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            return;
        }
        config.ServiceURL = endpoint.ToString();
        config.AuthenticationRegion = region;
    }
}
