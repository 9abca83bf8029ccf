using Amazon.Runtime;
using Amazon.S3;
using S3ZipExport.Settings;

namespace S3ZipExport.Upload;

/// <summary>Builds the S3 client: AWS itself, or an S3-compatible endpoint (path-style) named by AWS_ENDPOINT_URL_S3.</summary>
internal static class S3ClientFactory
{
    /// <summary>Retries after the first attempt of each S3 request.</summary>
    public const int UploadRetries = 5;

    public static IAmazonS3 Create(ExportSettings settings, IReadOnlyDictionary<string, string?> environment)
    {
        var region = AwsEnvironment.Region(environment);
        var config = new AmazonS3Config
        {
            // Checksums are chosen in code per request, not by SDK defaults: WHEN_SUPPORTED adds trailing checksums
            // that need aws-chunked bodies, which some S3-compatible servers store as object bytes.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // A failed request (a part, a 503 SlowDown, a reset) is retried by the SDK with exponential backoff
            // and jitter; the part's body is a MemoryStream over the buffer still in memory, rewound each time.
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = UploadRetries,
        };
        AwsEnvironment.PointAt(config, settings.S3Endpoint, region);
        config.ForcePathStyle = settings.S3Endpoint is not null; // S3-compatible servers rarely resolve bucket subdomains

        return AwsEnvironment.Credentials(environment) is { } credentials
            ? new AmazonS3Client(credentials, config)
            : new AmazonS3Client(config);
    }
}
