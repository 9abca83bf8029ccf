using System.Text.Encodings.Web;
using System.Text.Json;

namespace S3ZipExport.Telemetry;

/// <summary>
/// One JSON object per line on stdout: Lambda sends stdout to CloudWatch Logs, where Logs Insights queries the
/// fields directly. Writes are serialized so lines from concurrent stages never interleave.
/// </summary>
internal static class JsonLog
{
    private static readonly Lock Gate = new();

    // Readable in CloudWatch and a terminal: Japanese text, '+' and quotes as themselves, not \uXXXX. Each line is
    // still one valid JSON object (control characters and the line break are escaped).
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Info(string message, IReadOnlyDictionary<string, object?>? fields = null) => Write("Information", message, fields);
    public static void Warning(string message, IReadOnlyDictionary<string, object?>? fields = null) => Write("Warning", message, fields);
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
        WriteLine(JsonSerializer.Serialize(line, Options));
    }

    /// <summary>A CloudWatch Embedded Metric Format object: CloudWatch Logs turns it into metrics, no agent needed.</summary>
    public static void Metrics(IReadOnlyDictionary<string, object?> emf) => WriteLine(JsonSerializer.Serialize(emf, Options));

    private static void WriteLine(string text)
    {
        lock (Gate) Console.Out.WriteLine(text);
    }
}
