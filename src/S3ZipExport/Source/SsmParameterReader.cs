using Amazon.Runtime;
using Amazon.SimpleSystemsManagement.Model;
using S3ZipExport.Aws;
using S3ZipExport.Contract;

namespace S3ZipExport.Source;

/// <summary>
/// Reads one SecureString from SSM Parameter Store, decrypted. Values are cached per parameter name for the life
/// of the process: one call per Lambda cold start, not one per export.
/// </summary>
internal static class SsmParameterReader
{
    // A Lambda instance runs one invocation at a time, so a plain dictionary guarded by a lock is enough.
    private static readonly Dictionary<string, string> Cache = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    public static async Task<string> GetAsync(string name, AwsOptions aws, CancellationToken ct)
    {
        lock (Gate)
            if (Cache.TryGetValue(name, out var cached)) return cached;

        using var ssm = AwsClients.Ssm(aws);
        GetParameterResponse response;
        var request = new GetParameterRequest { Name = name, WithDecryption = true };
        try
        {
            response = await ssm.GetParameterAsync(request, ct);
        }
        catch (ParameterNotFoundException)
        {
            throw new SourceException($"{SettingNames.SourceApiKeyParameter}: SSM parameter '{name}' does not exist (in this account and region).");
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            // The SDK's messages carry the error code and text, never the parameter's value.
            throw AwsRequestException.Of($"SSM GetParameter of '{name}' ({SettingNames.SourceApiKeyParameter})", request, e,
                AwsRequestException.IsKms(e) ? "The function's role needs kms:Decrypt on the key the SecureString is encrypted with"
                : AwsRequestException.IsAccessDenied(e) ? $"The function's role needs ssm:GetParameter on the parameter '{name}'"
                : null);
        }
        var value = response.Parameter?.Value;
        if (string.IsNullOrEmpty(value))
            throw new SourceException($"{SettingNames.SourceApiKeyParameter}: SSM parameter '{name}' is empty.");
        lock (Gate) Cache[name] = value;
        return value;
    }
}
