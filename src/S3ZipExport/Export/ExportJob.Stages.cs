using System.Diagnostics;
using Amazon.S3;
using S3ZipExport.Archive;
using S3ZipExport.Csv;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;
using S3ZipExport.Upload;
using S3ZipExport.Records;
using S3ZipExport.Contract;

namespace S3ZipExport.Export;

/// <summary>The stages of one export and how they are joined, started and stopped.</summary>
internal static partial class ExportJob
{
    private static async Task<ExportSummary> RunStagesAsync(ExportPlan plan, IAmazonS3 s3, HttpSource source, Action<ExportProgress> started, Stopwatch clock, CancellationToken ct)
    {
        // The source is opened before the upload is created: a source that answers 401 or 404 leaves nothing behind.
        await using var records = new RecordProducer(plan.Source, plan.Records, plan.Run.StopAfter, source);
        await records.OpenFirstAsync(ct);

        var upload = await MultipartUploadStream.StartAsync(s3, plan.Upload, ct);
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var files = new CsvFiles(plan.Archive.EntryName, numbered: plan.Archive.IsSplit);
            var csv = new CsvRowWriter(files.StartNext(), plan.Records.Columns, plan.Csv);
            var sink = new CsvFileSink(csv, files, plan.Archive);
            IArchiveWriter archive = plan.Archive.Format == ArchiveFormat.Gzip
                ? new GzipStreamWriter(upload, plan.Archive.Level, plan.Archive.Threads)
                : new ZipStreamWriter(upload, plan.Archive.Level, plan.Archive.Threads);
            var progress = new ExportProgress(() => records.RecordCount, () => records.BytesRead, () => csv.BytesWritten, () => archive.BytesWritten, () => upload.PartsCompleted);
            started(progress);
            await using var reporter = new ProgressReporter(progress, plan.Run.ProgressInterval);

            var produce = Task.Run(async () =>
            {
                try
                {
                    await records.RunAsync(sink, sink.OnSourceStart, stop.Token);
                    await files.CompleteAsync();
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
                    await foreach (var (name, reader) in files.ReadAllAsync(stop.Token))
                    {
                        await using var csvBytes = reader.AsStream();
                        await archive.WriteEntryAsync(name, plan.Archive.Modified, csvBytes, stop.Token);
                    }
                    await archive.FinishAsync(stop.Token);
                }
                catch
                {
                    await stop.CancelAsync();   // the CSV writer then stops at its next flush
                    throw;
                }
            }, stop.Token);
            await WhenBothAsync(produce, compress, ct);

            var etag = await upload.CompleteAsync(ct);
            return new ExportSummary(plan.Upload.Bucket, plan.Upload.Key, records.RecordCount, records.BytesRead, csv.BytesWritten,
                upload.BytesWritten, upload.PartsCompleted, Math.Round(clock.Elapsed.TotalSeconds, 3), etag, upload.ObjectCrc32)
            {
                Rows = csv.Rows,
                Files = files.Count,
                SkippedRecords = records.SkippedRecords,
                UnencodableCharacters = csv.UnencodableCharacters,
            };
        }
        catch
        {
            await upload.AbortAsync();
            throw;
        }
    }

    /// <summary>Waits for both stages; when one fails the other is cancelled, and the root cause is thrown, not the cancellation.</summary>
    private static async Task WhenBothAsync(Task first, Task second, CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(first, second);
        }
        catch
        {
            var failures = new[] { first, second }
                .Where(t => t.IsFaulted)
                .SelectMany(t => t.Exception!.InnerExceptions)
                .ToList();
            var cause = failures.FirstOrDefault(e => e is not OperationCanceledException) ?? failures.FirstOrDefault();
            ct.ThrowIfCancellationRequested();
            if (cause is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            throw;
        }
    }
}
