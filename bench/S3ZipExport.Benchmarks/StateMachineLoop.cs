using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using S3ZipExport.Contract;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// Drives the handler as the state machine (statemachine/export.asl.json) drives an export of several invocations:
/// a scheduled event wrapped with an execution name and start time, then each result that carries a continuation
/// handed back verbatim as the next payload, until a result is the summary. Every invocation goes to the one
/// <see cref="Function"/> of this process, as Step Functions' back-to-back invocations go to one warm execution
/// environment; the first is the process's cold start, as a single run's only invocation is. The state machine's own
/// transitions (tens of milliseconds each on AWS) are not part of it.
/// </summary>
internal static class StateMachineLoop
{
    public static async Task<(ExportSummary Summary, double[] InvocationSeconds)> RunAsync(Function function, CancellationToken ct)
    {
        var payload = FirstPayload(DateTimeOffset.UtcNow, $"bench-{Guid.NewGuid():N}"[..18]);
        var seconds = new List<double>();
        while (true)
        {
            var wall = Stopwatch.StartNew();
            byte[] result;
            await using (var answer = await function.HandleAsync(new MemoryStream(payload, writable: false)))
            {
                using var copy = new MemoryStream();
                await answer.CopyToAsync(copy, ct);
                result = copy.ToArray();
            }
            seconds.Add(wall.Elapsed.TotalSeconds);
            using var json = JsonDocument.Parse(result);
            if (!json.RootElement.TryGetProperty(SlicedExportPayload.Continuation, out _))
                return (JsonSerializer.Deserialize(result, ExportSummaryJson.Default.ExportSummary)
                        ?? throw new InvalidOperationException("The last invocation answered null."), [.. seconds]);
            payload = result;
        }
    }

    /// <summary>The first payload, as the state machine's first state builds it, around an EventBridge Scheduler event.</summary>
    public static byte[] FirstPayload(DateTimeOffset now, string execution)
    {
        var time = now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var scheduled = new JsonObject
        {
            ["version"] = "0", ["id"] = execution, ["detail-type"] = "Scheduled Event", ["source"] = "aws.scheduler", ["time"] = time,
            ["detail"] = new JsonObject(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(SlicedExportPayload.First(scheduled, execution, time));
    }
}

/// <summary>One "export cut" log line of the function's: where the invocation stopped and what it left for the next.</summary>
internal sealed record CutFigures(int Invocation, long Records, int Parts, long ZipBytes, long TailBytes, long SourceBytesReadAgain, double ElapsedSeconds)
{
    public const string Message = "export cut";

    /// <summary>The cuts the function logged, in order, from its log (one JSON object per line).</summary>
    public static List<CutFigures> FromLog(string log)
    {
        var cuts = new List<CutFigures>();
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{') || !line.Contains($"\"{Message}\"", StringComparison.Ordinal)) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (!root.TryGetProperty("message", out var message) || message.GetString() != Message) continue;
            cuts.Add(new CutFigures(root.GetProperty("invocation").GetInt32(), root.GetProperty("records").GetInt64(), root.GetProperty("parts").GetInt32(),
                root.GetProperty("zipBytes").GetInt64(), root.GetProperty("tailBytes").GetInt64(), root.GetProperty("sourceBytesReadAgain").GetInt64(),
                root.GetProperty("elapsedSeconds").GetDouble()));
        }
        return cuts;
    }
}
