using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.SimpleSystemsManagement;

namespace S3ZipExport.Aws;

/// <summary>An S3 client whose requests' attempts are counted (<see cref="RequestAttempts"/>).</summary>
internal sealed class CountingS3Client : AmazonS3Client
{
    public CountingS3Client(AWSCredentials credentials, AmazonS3Config config) : base(credentials, config) { }
    public CountingS3Client(AmazonS3Config config) : base(config) { }

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);   // S3 puts its own RetryHandler in here first
        RequestAttempts.CountIn(pipeline);
    }
}

/// <summary>An SSM client whose requests' attempts are counted (<see cref="RequestAttempts"/>).</summary>
internal sealed class CountingSsmClient : AmazonSimpleSystemsManagementClient
{
    public CountingSsmClient(AWSCredentials credentials, AmazonSimpleSystemsManagementConfig config) : base(credentials, config) { }
    public CountingSsmClient(AmazonSimpleSystemsManagementConfig config) : base(config) { }

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        RequestAttempts.CountIn(pipeline);
    }
}
