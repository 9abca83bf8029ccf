using Amazon;
using Amazon.Runtime;

namespace S3ZipExport.Settings;

/// <summary>
/// Region and credentials for the AWS clients (S3, SSM), read from the environment map the function was given, so
/// tests and the local invoker can pass them without touching the process environment.
/// </summary>
internal static class AwsEnvironment
{
    public static string Region(IReadOnlyDictionary<string, string?> environment) =>
        environment.GetValueOrDefault("AWS_REGION") ?? environment.GetValueOrDefault("AWS_DEFAULT_REGION") ?? "us-east-1";

    /// <summary>
    /// Points a client at <paramref name="endpoint"/> when one is set (requests still signed for the region), else
    /// at the region's own endpoint.
    /// </summary>
    public static void PointAt(ClientConfig config, Uri? endpoint, string region)
    {
        if (endpoint is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            return;
        }
        config.ServiceURL = endpoint.ToString();
        config.AuthenticationRegion = region;
    }

    /// <summary>Keys in the map are used as they are; null lets the SDK's default chain find the Lambda role's.</summary>
    public static AWSCredentials? Credentials(IReadOnlyDictionary<string, string?> environment)
    {
        if (environment.GetValueOrDefault("AWS_ACCESS_KEY_ID") is not { Length: > 0 } accessKey
            || environment.GetValueOrDefault("AWS_SECRET_ACCESS_KEY") is not { Length: > 0 } secretKey)
            return null;
        return environment.GetValueOrDefault("AWS_SESSION_TOKEN") is { Length: > 0 } token
            ? new SessionAWSCredentials(accessKey, secretKey, token)
            : new BasicAWSCredentials(accessKey, secretKey);
    }
}
