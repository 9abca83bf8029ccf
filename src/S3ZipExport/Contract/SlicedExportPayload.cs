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

    /// <summary>When the execution started (ISO 8601): uploads of the key started since then are this export's.</summary>
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
}
