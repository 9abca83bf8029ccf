using System.Text.Json.Nodes;

namespace S3ZipExport.Contract;

/// <summary>
/// What the state machine (statemachine/export.asl.json) and the function exchange for an export that may take
/// several invocations. A test checks that the definition reads and writes exactly these fields.
/// <code>
/// a slice:     {"event": {…the scheduled or manual event…}, "execution": "name", "startedAt": "2026-12-03T18:00:00Z",
///               "continuation": {"state": "s3://bucket/prefix/…/state.json", "invocation": 2}}   (no continuation: the first)
/// → more:      the same object, its continuation pointing at the state just saved: call again with it
/// → done:      the export summary, with "invocations": the number of invocations the export took
/// an abort:    {"abort": {"Error": "…", "Cause": "…"}, "event": …, "execution": …, "startedAt": …}
/// → aborted:   {"aborted": true, "key": "…", "uploadsAborted": 1, "stateObjectsDeleted": 2}
/// </code>
/// The continuation carries only where the state is and the original event (so the key and its {time:…} stay
/// those of the scheduled time); the state itself lives in S3 under EXPORT_STATE_PREFIX, since Step Functions caps a
/// payload at 256 KB. Whoever may invoke the function may send any of these: the state location must be the one the
/// function derives from the event and the execution, under the deployed prefix, or it is refused.
/// </summary>
internal static class SlicedExportPayload
{
    /// <summary>The event the export was started with: an EventBridge Scheduler event or a manual payload of settings.</summary>
    public const string Event = "event";

    /// <summary>The Step Functions execution's name: one export, whatever the number of its invocations.</summary>
    public const string Execution = "execution";

    /// <summary>When the execution started (ISO 8601), as the state machine's Begin state passes it on.</summary>
    public const string StartedAt = "startedAt";

    /// <summary>Present in a slice's result when the export is not finished: the next slice's payload carries it back.</summary>
    public const string Continuation = "continuation";

    /// <summary>Where the saved state is: <c>s3://bucket/key</c>.</summary>
    public const string State = "state";

    /// <summary>The number of the invocation the continuation is for (the first is 1).</summary>
    public const string Invocation = "invocation";

    /// <summary>Present in a payload that asks the function to abort the export: the error the state machine caught.</summary>
    public const string Abort = "abort";

    /// <summary>In the summary: how many invocations the export took.</summary>
    public const string Invocations = "invocations";

    /// <summary>In the result of an abort.</summary>
    public const string Aborted = "aborted";

    /// <summary>
    /// The first payload, as the definition's Begin state builds it: for those who drive the function the way the
    /// state machine does (the local invoker's --slice-seconds, the benchmark's --sliced).
    /// </summary>
    public static JsonObject First(JsonNode @event, string execution, string startedAt) => new()
    {
        [Event] = @event.DeepClone(),
        [Execution] = execution,
        [StartedAt] = startedAt,
    };

    /// <summary>The payload of the definition's Abort state: the caught error (Error, and Cause as Step Functions gives it) and the first payload's fields.</summary>
    public static JsonObject AbortOf(string error, string cause, JsonNode @event, string execution, string startedAt)
    {
        var payload = new JsonObject { [Abort] = new JsonObject { ["Error"] = error, ["Cause"] = cause } };
        foreach (var (name, value) in First(@event, execution, startedAt).ToList()) payload[name] = value?.DeepClone();
        return payload;
    }
}
