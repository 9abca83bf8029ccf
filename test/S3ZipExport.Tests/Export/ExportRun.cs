using System.Text;
using System.Text.Json;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Export;

/// <summary>Invokes the real handler against the local S3 (through the recording proxy) and a test source.</summary>
internal static class ExportRun
{
    public const string ScheduledEvent = """
        {"version":"0","id":"run-42","detail-type":"Scheduled Event","source":"aws.scheduler","account":"123456789012",
         "time":"2026-11-24T18:00:00Z","region":"ap-northeast-1","resources":[],"detail":{}}
        """;

    public static Dictionary<string, string?> Environment(LocalS3Fixture s3, Uri source, string key, params (string Name, string Value)[] extra)
    {
        var env = new Dictionary<string, string?>
        {
            ["EXPORT_SOURCE_URL"] = source.ToString(),
            ["EXPORT_ALLOW_HTTP"] = "true",
            ["EXPORT_BUCKET"] = LocalS3Fixture.Bucket,
            ["EXPORT_KEY"] = key,
            ["EXPORT_PROGRESS_SECONDS"] = "0",
            ["AWS_ENDPOINT_URL_S3"] = s3.Proxy.Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = S3TestClient.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3TestClient.AccessKey,
            ["AWS_REGION"] = "us-east-1",
        };
        foreach (var (name, value) in extra) env[name] = value;
        return env;
    }

    /// <summary>
    /// The handler as the Lambda function a state machine invokes (<see cref="StateMachineRunner"/>): one instance, as
    /// a warm execution environment keeps it, each payload handed to it and its output returned as the result. What
    /// it throws is left to the harness, which reports it as the .NET runtime does: errorType the exception type's
    /// name, errorMessage its message.
    /// </summary>
    public static Func<byte[], Task<(byte[] body, string? errorType, string? errorMessage)>> AsLambdaFunction(Dictionary<string, string?> environment)
    {
        var function = new Function(environment, TimeProvider.System);
        return async payload =>
        {
            await using var output = await function.HandleAsync(new MemoryStream(payload, writable: false));
            using var result = new MemoryStream();
            await output.CopyToAsync(result);
            return (result.ToArray(), null, null);
        };
    }

    public static async Task<JsonElement> InvokeAsync(Dictionary<string, string?> environment, string payload = ScheduledEvent)
    {
        var function = new Function(environment, TimeProvider.System);
        await using var output = await function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(payload)));
        using var document = await JsonDocument.ParseAsync(output);
        return document.RootElement.Clone();
    }
}
