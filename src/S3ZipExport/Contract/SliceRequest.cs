namespace S3ZipExport.Contract;

/// <summary>
/// A payload of the state machine's (<see cref="SlicedExportPayload"/>), parsed: which export (the execution), when it
/// started, the event it was started with (as sent, to be handed back in the continuation), and either where its
/// state is and which invocation this is, or the error to abort it for.
/// </summary>
internal sealed record SliceRequest(string Execution, DateTimeOffset StartedAt, string EventJson)
{
    /// <summary>The state location a continuation named; null for the first invocation.</summary>
    public string? StateLocation { get; init; }

    /// <summary>The invocation this is, from 1.</summary>
    public int Invocation { get; init; } = 1;

    /// <summary>The error the state machine caught, as JSON, when the payload asks to abort the export; else null.</summary>
    public string? AbortFor { get; init; }
}
