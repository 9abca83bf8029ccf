using Amazon.Runtime;

namespace S3ZipExport.Aws;

/// <summary>
/// Where the AWS clients (S3, SSM) send their requests and as whom: the region, the S3-compatible or SSM endpoint
/// overrides (the AWS SDKs' own AWS_ENDPOINT_URL_* convention; environment only), and credentials given in the
/// function's environment map (null: the SDK's default chain finds the Lambda role's).
/// </summary>
internal sealed record AwsOptions
{
    public string Region { get; init; } = "us-east-1";
    public Uri? S3Endpoint { get; init; }
    public Uri? SsmEndpoint { get; init; }
    public AWSCredentials? Credentials { get; init; }
}
