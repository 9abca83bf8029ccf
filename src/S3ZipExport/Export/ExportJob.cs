using System.Diagnostics;
using Amazon.S3;
using S3ZipExport.Contract;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// An export that must finish in one invocation (the function invoked directly): the stages (<see cref="ExportStages"/>)
/// run to the end, or stop at the deadline, a margin before the function's timeout, with the upload aborted and an
/// error that says how far they got. A source that broke off and cannot resume is read again from its first byte,
/// while the time allows. Memory is bounded by <see cref="MemoryBudget"/>.
/// </summary>
internal static class ExportJob
{
    public static async Task<ExportSummary> RunAsync(ExportPlan plan, IAmazonS3 s3, HttpSource source, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var target = plan.Upload;
        if (await ExistingObjectCheck.SkipsAsync(s3, target, ct)) return ExportSummaries.Skipped(target, clock.Elapsed);

        using var deadline = new CancellationTokenSource(plan.Run.StopAfter ?? Timeout.InfiniteTimeSpan);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        ExportProgress? progress = null;
        try
        {
            for (var restart = 1; ; restart++)
            {
                try
                {
                    var result = await ExportStages.RunAsync(plan, new S3UploadClient(s3, plan.Upload), source, resume: null, cut: null, p => progress = p, abortOnFailure: true, linked.Token);
                    return ExportSummaries.Of(plan, result, before: null, clock.Elapsed);
                }
                catch (SourceException e) when (e.RestartCanHelp && restart <= MaxRestarts && TimeAllowsRestart(plan.Run, clock.Elapsed))
                {
                    // The upload of the broken attempt is already aborted; the next one starts from the first byte.
                    JsonLog.Warning("export restarted", new Dictionary<string, object?> { ["restart"] = restart, ["reason"] = e.Message });
                }
            }
        }
        catch (Exception e) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new ExportFailedException(DeadlineMessage(plan.Run, progress, source.Health.Failing, clock.Elapsed), e);
        }
    }

    /// <summary>How often a source that broke off and cannot resume is read again from the start.</summary>
    public const int MaxRestarts = 2;

    /// <summary>A restart repeats what was done so far: only worth it while that fits in the time left.</summary>
    private static bool TimeAllowsRestart(RunOptions run, TimeSpan elapsed) =>
        run.StopAfter is not { } stopAfter || elapsed * 2 < stopAfter;

    private static string DeadlineMessage(RunOptions run, ExportProgress? progress, string? sourceFailing, TimeSpan elapsed)
    {
        var done = progress is null || progress.SourceBytes == 0 ? "before any record was read"
            : $"after {progress.Records:N0} records, {progress.SourceBytes / 1e6:N1} MB read, {progress.CsvBytes / 1e6:N1} MB of CSV, {progress.ZipBytes / 1e6:N1} MB of ZIP";
        var failing = sourceFailing is null ? "" : $" while the source was still failing ({sourceFailing})";
        var upload = progress?.UploadStarted == true ? "the multipart upload was aborted and nothing was written" : "nothing had been uploaded yet, so nothing was written";
        return $"The export stopped at {elapsed.TotalSeconds:N0} s, {Deadline.Margin(run.Timeout!.Value).TotalSeconds:N0} s before " +
               $"{SettingNames.TimeoutSeconds}={run.Timeout!.Value.TotalSeconds:0}, {done}{failing}; {upload}. " +
               $"Raise the function's Timeout (at most 900 s), give it more memory (more vCPUs) with {SettingNames.CompressionThreads} to match, " +
               $"use {SettingNames.CompressionLevel}=fastest, or split the export into smaller ones (e.g. one per month).";
    }
}
