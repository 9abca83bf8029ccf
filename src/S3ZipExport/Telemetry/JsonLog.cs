using System.Text.Json;

namespace S3ZipExport.Telemetry;

/// <summary>
/// One JSON object per line on stdout: Lambda sends stdout to CloudWatch Logs, where Logs Insights queries the
/// fields directly. Writes are serialized so lines from concurrent stages never interleave.
/// </summary>
internal static class JsonLog
{
    private static readonly Lock Gate = new();

    public static void Info(string message, IReadOnlyDictionary<string, object?>? fields = null) => Write("Information", message, fields);
    public static void Error(string message, IReadOnlyDictionary<string, object?>? fields = null) => Write("Error", message, fields);

    private static void Write(string level, string message, IReadOnlyDictionary<string, object?>? fields)
    {
        var line = new Dictionary<string, object?>
        {
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["level"] = level,
            ["message"] = message,
        };
        if (fields is not null)
            foreach (var (name, value) in fields) line[name] = value;
        var text = JsonSerializer.Serialize(line);
        lock (Gate) Console.Out.WriteLine(text);
    }
}
