using System.Diagnostics;
using Amazon.S3;
using S3ZipExport.Contract;
using S3ZipExport.Pipeline;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// An export the state machine drives over as many invocations as it needs (statemachine/export.asl.json). Each
/// invocation loads the state the previous one saved (<see cref="StateStore"/>), runs the stages from there until
/// they finish or the cut comes (near the deadline, or every EXPORT_SLICE_SECONDS), and then either completes the
/// object and deletes the state, or saves the new state and hands back a continuation. The state is saved only after
/// every full part before it is acknowledged, so an invocation that is retried, or a state resumed twice, uploads
/// the same parts again and the object comes out the same; an invocation killed mid-way loses its own work only.
/// </summary>
internal static class SlicedExport
{
    public sealed record Outcome(ExportSummary? Summary, string? StateLocation, int NextInvocation);

    public static async Task<Outcome> RunAsync(ExportPlan plan, IAmazonS3 s3, HttpSource source, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var slice = plan.Run.Slice ?? throw new InvalidOperationException("Not an invocation of several.");
        var store = StoreFor(plan, s3);
        if (slice.StateLocation is { } named && named != store.Location)
            throw new ExportFailedException($"The continuation names the state {named}, but this export's state is {store.Location} " +
                                            $"(from {SettingNames.Bucket}, {SettingNames.StatePrefix}, the key, the event and the execution); it is refused.");

        // Loaded whatever the payload says: an invocation retried after it saved its state must go on from there.
        var state = await store.LoadAsync(ct);
        if (state is null && slice.StateLocation is not null)
            throw new ExportFailedException($"The state of this export, {store.Location}, is gone (aborted, or expired by the bucket's lifecycle rule); run the export again.");
        // Looked at before the first invocation only, as a one-run export looks before any work (=fail's conditional Complete guards the key after).
        if (state is null && await ExistingObjectCheck.SkipsAsync(s3, plan.Upload, ct))
            return new Outcome(ExportSummaries.Skipped(plan.Upload, clock.Elapsed), null, 0);
        CheckResumable(plan, state, store);
        var invocation = (state?.Invocations ?? 0) + 1;
        if (invocation > plan.Run.MaxInvocations)
            throw new ExportFailedException($"The export has taken {state!.Invocations} invocations, the most {SettingNames.MaxInvocations}={plan.Run.MaxInvocations} allows, " +
                                            $"after {state.Counts.Records:N0} records and {state.Upload.BytesWritten / 1e6:N1} MB of archive; it is stopped. Raise the limit, or split the export.");

        var uploads = new S3UploadClient(s3, plan.Upload);
        await AbortUploadsNotInStateAsync(store, uploads, state, ct);
        var tail = state is null ? ReadOnlyMemory<byte>.Empty : await store.LoadTailAsync(state, ct);
        if (state is not null)
            JsonLog.Info("export resumed", new Dictionary<string, object?>
            {
                ["invocation"] = invocation, ["state"] = store.Location, ["records"] = state.Counts.Records, ["zipBytes"] = state.Upload.BytesWritten,
            });
        using var cut = new CutSignal(plan.Run.CutAfter);
        var resume = state is null ? null : new ExportStages.Resume(state, tail);
        var result = await ExportStages.RunAsync(plan, new RecordedUploadClient(uploads, store), source, resume, cut, _ => { }, abortOnFailure: false, ct);

        if (!result.IsCut)
        {
            var summary = ExportSummaries.Of(plan, result, state, clock.Elapsed);
            await store.DeleteAllAsync(ct);
            return new Outcome(summary, null, 0);
        }
        var next = NextState(plan, state, result, invocation, clock.Elapsed, result.Tail.IsEmpty ? null : store.TailKeyFor(invocation));
        await store.SaveAsync(next, result.Tail, state?.TailKey, ct);
        JsonLog.Info("export cut", new Dictionary<string, object?>
        {
            ["invocation"] = invocation,
            ["state"] = store.Location,
            ["records"] = next.Counts.Records,
            ["parts"] = next.Upload.Parts.Count,
            ["zipBytes"] = next.Upload.BytesWritten,
            ["tailBytes"] = next.Upload.TailLength,
            ["sourceBytesReadAgain"] = result.SourceBytesReadAgain,
            ["elapsedSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
        });
        return new Outcome(null, store.Location, invocation + 1);
    }

    /// <summary>
    /// Aborts the export: every multipart upload it recorded (the one its state names, and any an invocation created
    /// and was killed before it saved its state), then its state folder.
    /// </summary>
    public static async Task<AbortResult> AbortAsync(ExportPlan plan, IAmazonS3 s3, CancellationToken ct)
    {
        var store = StoreFor(plan, s3);
        ExportState? state = null;
        try { state = await store.LoadAsync(ct); }
        catch (ExportFailedException e) { JsonLog.Warning("export state unreadable; aborting what can be found", new Dictionary<string, object?> { ["reason"] = e.Message }); }

        var client = new S3UploadClient(s3, plan.Upload);
        var uploads = new HashSet<string>(await store.RecordedUploadsAsync(ct));
        if (state?.Upload.UploadId is { } id) uploads.Add(id);
        foreach (var uploadId in uploads) await client.AbortAsync(uploadId, ct);
        var deleted = await store.DeleteAllAsync(ct);
        return new AbortResult(plan.Upload.Key, uploads.Count, deleted);
    }

    /// <summary>
    /// Aborts the uploads an earlier invocation created and was killed before its state named them: their parts
    /// would never be part of the object, and S3 would keep them (and bill them) until the lifecycle rule.
    /// </summary>
    private static async Task AbortUploadsNotInStateAsync(StateStore store, S3UploadClient uploads, ExportState? state, CancellationToken ct)
    {
        foreach (var orphan in (await store.RecordedUploadsAsync(ct)).Where(id => id != state?.Upload.UploadId))
        {
            await uploads.AbortAsync(orphan, ct);
            await store.ForgetUploadAsync(orphan, ct);
            JsonLog.Info("orphaned upload aborted", new Dictionary<string, object?> { ["uploadId"] = orphan, ["state"] = store.Location });
        }
    }

    public sealed record AbortResult(string Key, int UploadsAborted, int StateObjectsDeleted);

    private static StateStore StoreFor(ExportPlan plan, IAmazonS3 s3)
    {
        var slice = plan.Run.Slice!;
        var exportId = StateStore.ExportIdOf(plan.Upload.Bucket, plan.Upload.Key, plan.Run.EventId, slice.Execution);
        return new StateStore(s3, plan.Upload.Bucket, plan.Run.StatePrefix!, exportId);
    }

    private static void CheckResumable(ExportPlan plan, ExportState? state, StateStore store)
    {
        if (state is null) return;
        if (state.Version != ExportState.CurrentVersion)
            throw new ExportFailedException($"The state at {store.Location} was saved by another version of the function (state version {state.Version}); abort the export and run it again.");
        if (state.Fingerprint != PlanFingerprint.Of(plan))
            throw new ExportFailedException($"The settings that shape the export's bytes (source, columns, CSV, archive, key, part size, checksum) changed since the state at {store.Location} " +
                                            "was saved, so this invocation cannot continue it; abort the export and run it again with the new settings.");
    }

    private static ExportState NextState(ExportPlan plan, ExportState? before, StagesResult result, int invocation, TimeSpan elapsed, string? tailKey) => new()
    {
        Fingerprint = PlanFingerprint.Of(plan),
        Invocations = invocation,
        ElapsedSeconds = (before?.ElapsedSeconds ?? 0) + elapsed.TotalSeconds,
        Source = result.Cursor!,
        LastAnswered = result.LastAnswered ?? before?.LastAnswered,
        Archive = result.Archive!,
        Upload = result.Upload!,
        TailKey = tailKey,
        Files = result.Files,
        RowsInFile = result.RowsInFile,
        Counts = result.Counts.After(before?.Counts),
    };
}
