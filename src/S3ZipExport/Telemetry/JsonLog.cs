using System.Text.Encodings.Web;
using System.Text.Json;

namespace S3ZipExport.Telemetry;

/// <summary>
/// One JSON object per line on stdout: Lambda sends stdout to CloudWatch Logs, where Logs Insights queries the
/// fields directly. Writes are serialized so lines from concurrent stages never interleave. Every line carries the
/// fields of the run it belongs to (<see cref="BeginRun"/>: event id, scheduled time, key, cold start), as
/// Powertools' logger does, so one query ties any line, a failure included, to its export.
/// </summary>
internal static class JsonLog
{
    private static readonly Lock Gate = new();

    // Per run, and flowing into every task it starts; tests run several exports at once in one process.
    private static readonly AsyncLocal<RunFields?> Run = new();

    /// <summary>The fields every line of this run carries; the run ends when the returned scope is disposed.</summary>
    public static IDisposable BeginRun(IReadOnlyDictionary<string, object?> fields)
    {
        var previous = Run.Value;
        Run.Value = new RunFields(new Dictionary<string, object?>(fields));
        return new Scope(previous);
    }

    /// <summary>Adds or replaces a field of the current run (the key, once the settings are read).</summary>
    public static void AddToRun(string name, object? value)
    {
        if (Run.Value is { } run) lock (run.Fields) run.Fields[name] = value;
    }

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
        AddRunFields(line);
        if (fields is not null)
            foreach (var (name, value) in fields) line[name] = value;
        WriteLine(JsonSerializer.Serialize(line, Options));
    }

    /// <summary>
    /// A CloudWatch Embedded Metric Format object: CloudWatch Logs turns it into metrics, no agent needed. It carries
    /// the run's fields too, as properties beside the metrics (EMF keeps keys its directive does not name), so a query
    /// by eventId finds it with the run's other lines.
    /// </summary>
    public static void Metrics(IReadOnlyDictionary<string, object?> emf)
    {
        var line = new Dictionary<string, object?>(emf);
        AddRunFields(line);
        WriteLine(JsonSerializer.Serialize(line, Options));
    }

    /// <summary>The current run's fields, beside what the line has (which they never replace).</summary>
    private static void AddRunFields(Dictionary<string, object?> line)
    {
        if (Run.Value is { } run)
            lock (run.Fields)
                foreach (var (name, value) in run.Fields) line.TryAdd(name, value);
    }

    private static void WriteLine(string text)
    {
        lock (Gate) Console.Out.WriteLine(text);
    }

    private sealed record RunFields(Dictionary<string, object?> Fields);

    private sealed class Scope(RunFields? previous) : IDisposable
    {
        public void Dispose() => Run.Value = previous;
    }
}
