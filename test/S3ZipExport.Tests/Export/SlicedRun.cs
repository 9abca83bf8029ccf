using System.Text.Json;
using System.Text.Json.Nodes;

namespace S3ZipExport.Tests.Export;

/// <summary>
/// Drives the real handler as the state machine does (statemachine/export.asl.json): the event wrapped with an
/// execution name and start time, then each result that carries a continuation handed back as the next payload,
/// until a result is the summary. Records every payload and result.
/// </summary>
internal sealed class SlicedRun(Dictionary<string, string?> environment)
{
    /// <summary>The function's environment for the invocations to come (a test may change it between them, as a deployment would).</summary>
    public Dictionary<string, string?> Environment { get; set; } = environment;

    public string Execution { get; } = "exec-" + Guid.NewGuid().ToString("N")[..12];
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow.AddSeconds(-1);
    public List<JsonElement> Results { get; } = [];

    public int Invocations => Results.Count;

    /// <summary>The first payload: the event, as the state machine's first state builds it.</summary>
    public string FirstPayload(string scheduledEvent = ExportRun.ScheduledEvent) => new JsonObject
    {
        ["event"] = JsonNode.Parse(scheduledEvent),
        ["execution"] = Execution,
        ["startedAt"] = StartedAt.ToString("O"),
    }.ToJsonString();

    /// <summary>Invokes once with <paramref name="payload"/>; returns the result (a continuation, or the summary).</summary>
    public async Task<JsonElement> InvokeAsync(string payload)
    {
        var result = await ExportRun.InvokeAsync(Environment, payload);
        Results.Add(result);
        return result;
    }

    /// <summary>Runs from <paramref name="payload"/> (the first, by default) until the summary; returns it.</summary>
    public async Task<JsonElement> RunToEndAsync(string? payload = null, int maxInvocations = 200)
    {
        payload ??= FirstPayload();
        for (var i = 0; i < maxInvocations; i++)
        {
            var result = await InvokeAsync(payload);
            if (!result.TryGetProperty("continuation", out _)) return result;
            payload = result.GetRawText();
        }
        throw new InvalidOperationException($"No summary after {maxInvocations} invocations.");
    }

    /// <summary>The payload that aborts this export for <paramref name="error"/>, as the state machine's Abort state builds it.</summary>
    public string AbortPayload(string error = "SourceException", string scheduledEvent = ExportRun.ScheduledEvent) => new JsonObject
    {
        ["abort"] = new JsonObject { ["Error"] = error, ["Cause"] = "a test" },
        ["event"] = JsonNode.Parse(scheduledEvent),
        ["execution"] = Execution,
        ["startedAt"] = StartedAt.ToString("O"),
    }.ToJsonString();
}
