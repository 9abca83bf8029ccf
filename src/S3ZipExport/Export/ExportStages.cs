using S3ZipExport.Archive;
using S3ZipExport.Csv;
using S3ZipExport.Pipeline;
using S3ZipExport.Records;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// One invocation's stages, joined and run: source → records → CSV → archive → upload, as two concurrent stages
/// joined by the CSV pipes (parse+CSV on one side, compression on the other, uploads in flight behind it). Any
/// stage's failure cancels the others and that first failure is what the caller sees (<see cref="FirstFailure"/>).
/// <para>Given a <see cref="CutSignal"/>, the reader may stop at a record or page boundary: the CSV file and archive
/// entry are then left open (the deflate stream ends with a sync flush), every full part is uploaded, and the result
/// carries each stage's state instead of a completed object. Given a <see cref="Resume"/>, every stage goes on from
/// the state an earlier invocation left: the source at its cursor, the CSV file and entry still open, the upload with
/// its unfilled part.</para>
/// </summary>
internal static class ExportStages
{
    /// <summary>What an earlier invocation of the same export left: its state and the upload's unfilled part.</summary>
    public sealed record Resume(ExportState State, ReadOnlyMemory<byte> Tail);

    /// <param name="abortOnFailure">
    /// What to do with the upload when a stage fails: an export of one invocation aborts it; one of several leaves
    /// that to the export as a whole (the state machine's abort), since the next attempt may resume it.
    /// </param>
    /// <param name="uploads">The S3 calls of the object's upload (an export of several invocations records the uploads it creates).</param>
    public static async Task<StagesResult> RunAsync(ExportPlan plan, IUploadClient uploads, HttpSource source, Resume? resume, CutSignal? cut,
        Action<ExportProgress> started, bool abortOnFailure, CancellationToken ct)
    {
        var state = resume?.State;
        source.PaceFrom(state?.LastAnswered);
        var records = new RecordProducer(plan.Source, plan.Records, cut is null ? plan.Run.StopAfter : null, source)
        {
            Cut = cut,
            From = state?.Source,
            RecordsBefore = state?.Counts.Records ?? 0,
        };
        // Nothing is created in S3 before the first part is full (ObjectUploadStream), so a source that answers 401
        // or 404 leaves nothing behind.
        var upload = new ObjectUploadStream(uploads, plan.Upload, ct, state?.Upload, resume?.Tail ?? default);
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var continues = state?.Archive.Open is not null;
            using var files = new CsvFiles(plan.Archive.EntryName, numbered: plan.Archive.IsSplit, filesBefore: state?.Files ?? 0);
            var csv = new CsvRowWriter(files.StartNext(continues), plan.Records.Columns, plan.Csv, continues ? state!.RowsInFile : null);
            var csvSink = new CsvFileSink(csv, files, plan.Archive);
            // With parse threads, the reader only finds records and they make the rows (in order, byte for byte the same).
            using var parallel = plan.Records.ParseThreads > 1
                ? new ParallelCsvSink(csvSink, records.BadRecords, plan.Records.Columns, plan.Csv, plan.Records.ParseThreads)
                : null;
            IRecordSink sink = parallel ?? (IRecordSink)csvSink;
            IArchiveWriter archive = plan.Archive.Format == ArchiveFormat.Gzip
                ? new GzipStreamWriter(upload, plan.Archive.Level, plan.Archive.Threads, resume: state?.Archive)
                : new ZipStreamWriter(upload, plan.Archive.Level, plan.Archive.Threads, resume: state?.Archive);
            var progress = new ExportProgress(() => records.RecordCount, () => records.BytesRead, () => csv.BytesWritten, () => archive.BytesWritten,
                () => upload.PartsCompleted, () => upload.IsStarted);
            started(progress);
            await using var reporter = new ProgressReporter(progress, plan.Run.ProgressInterval);

            SourceCursor? cursor = null;
            var produce = Task.Run(async () =>
            {
                try
                {
                    cursor = await records.RunAsync(sink, csvSink.OnSourceStart, stop.Token);
                    await files.CompleteAsync(atCut: cursor is not null);
                }
                catch (Exception e)
                {
                    await files.CompleteAsync(e);
                    await stop.CancelAsync();
                    throw;
                }
            }, stop.Token);
            var compress = Task.Run(async () =>
            {
                try
                {
                    var leftOpen = false;
                    await foreach (var file in files.ReadAllAsync(stop.Token))
                    {
                        await using var csvBytes = file.Reader.AsStream();
                        await archive.WriteEntryAsync(file.Name, plan.Archive.Modified, csvBytes, file.ContinuesOpenEntry, () => file.EndsAtCut, stop.Token);
                        leftOpen = file.EndsAtCut;
                    }
                    if (!leftOpen) await archive.FinishAsync(stop.Token);
                }
                catch
                {
                    await stop.CancelAsync();   // the CSV writer then stops at its next flush
                    throw;
                }
            }, stop.Token);
            await FirstFailure.WhenAllAsync(produce, compress);
            ct.ThrowIfCancellationRequested();

            var result = new StagesResult
            {
                Counts = new ExportCounts
                {
                    Records = records.RecordCount,
                    Rows = csv.Rows,
                    SkippedRecords = records.SkippedRecords,
                    // Up to the cut: what was read past it is read again by the next invocation, and counted then.
                    SourceBytes = records.BytesRead - records.BytesReadPastCut,
                    CsvBytes = csv.BytesWritten,
                    UnencodableCharacters = csv.UnencodableCharacters,
                },
                SourceBytesReadAgain = records.BytesReadPastCut,
                Files = files.Count,
            };
            if (cursor is null)
            {
                var etag = await upload.CompleteAsync(ct);
                return result with { Etag = etag, Checksum = upload.ObjectChecksum, ZipBytes = upload.BytesWritten, Parts = upload.PartsCompleted };
            }
            var (uploadState, tail) = await upload.SuspendAsync();
            return result with
            {
                Cursor = cursor,
                Archive = archive.Suspend(),
                Upload = uploadState,
                Tail = tail,
                LastAnswered = source.LastAnswered,
                RowsInFile = csv.RowsInFile,
                ZipBytes = upload.BytesWritten,
                Parts = upload.PartsCompleted,
            };
        }
        catch
        {
            if (abortOnFailure) await upload.AbortAsync();
            else await upload.StopAsync();
            throw;
        }
    }
}
