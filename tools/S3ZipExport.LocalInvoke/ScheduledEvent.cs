using System.Text.Json;

namespace S3ZipExport.LocalInvoke;

/// <summary>The payload EventBridge Scheduler sends on a schedule, for the current time: what the function gets in production.</summary>
internal static class ScheduledEvent
{
    private static readonly string[] Resources = ["arn:aws:scheduler:us-east-1:123456789012:schedule/default/s3zipexport-local"];

    public static byte[] Now()
    {
        var time = DateTimeOffset.UtcNow;
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["version"] = "0",
            ["id"] = Guid.NewGuid().ToString(),
            ["detail-type"] = "Scheduled Event",
            ["source"] = "aws.scheduler",
            ["account"] = "123456789012",
            ["time"] = time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ["region"] = "us-east-1",
            ["resources"] = Resources,
            ["detail"] = new Dictionary<string, object>(),
        });
    }
}
