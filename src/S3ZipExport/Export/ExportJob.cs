using System.Diagnostics;
using Amazon.S3;
using S3ZipExport.Archive;
using S3ZipExport.Csv;
using S3ZipExport.Records;
using S3ZipExport.Settings;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// One export: source → JSON records → CSV → ZIP → multipart upload, as two concurrent stages joined by a pipe
/// (parse+CSV on one side, compression on the other, uploads in flight behind it). Memory, all bounded:
///   read buffer (256 KiB, grows only for one record larger than that)
///   + CSV pipe (<see cref="CsvFiles.PauseBytes"/> before the writer waits)
///   + compression (chunk × threads × 2)
///   + part buffers (part size × (concurrency + 1)).
/// Any stage's failure cancels the others, the upload is aborted, and that first failure is what the caller sees.
/// </summary>
internal static class ExportJob
{
    public static async Task<ExportSummary> RunAsync(ExportSettings settings, IAmazonS3 s3, HttpSource source, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (settings.IfExists != IfExists.Overwrite && await ExistingObjectCheck.ExistsAsync(s3, settings, ct))
        {
            if (settings.IfExists == IfExists.Fail)
                throw new ExportFailedException($"s3://{settings.Bucket}/{settings.Key} already exists and {SettingNames.IfExists}=fail.");
            return new ExportSummary(settings.Bucket, settings.Key, 0, 0, 0, 0, 0, Math.Round(clock.Elapsed.TotalSeconds, 3), null, null, Skipped: true);
        }

        using var deadline = new CancellationTokenSource(settings.StopAfter ?? Timeout.InfiniteTimeSpan);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        ExportProgress? progress = null;
        try
        {
            return await RunStagesAsync(settings, s3, source, p => progress = p, clock, linked.Token);
        }
        catch (Exception e) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new ExportFailedException(DeadlineMessage(settings, progress, clock.Elapsed), e);
        }
    }

    private static string DeadlineMessage(ExportSettings settings, ExportProgress? progress, TimeSpan elapsed)
    {
        var done = progress is null ? "before the source answered"
            : $"after {progress.Records:N0} records, {progress.SourceBytes / 1e6:N1} MB read, {progress.CsvBytes / 1e6:N1} MB of CSV, {progress.ZipBytes / 1e6:N1} MB of ZIP";
        return $"The export stopped at {elapsed.TotalSeconds:N0} s, {Deadline.Margin(TimeSpan.FromSeconds(settings.TimeoutSeconds!.Value)).TotalSeconds:N0} s before " +
               $"{SettingNames.TimeoutSeconds}={settings.TimeoutSeconds}, {done}; the upload was aborted and nothing was written. " +
               $"Raise the function's Timeout (at most 900 s), give it more memory (more vCPUs) with {SettingNames.CompressionThreads} to match, " +
               $"use {SettingNames.CompressionLevel}=fastest, or split the export into smaller ones (e.g. one per month).";
    }

    private static async Task<ExportSummary> RunStagesAsync(ExportSettings settings, IAmazonS3 s3, HttpSource source, Action<ExportProgress> started, Stopwatch clock, CancellationToken ct)
    {
        // The source is opened before the upload is created: a source that answers 401 or 404 leaves nothing behind.
        await using var records = new RecordProducer(settings, source);
        await records.OpenFirstAsync(ct);

        var fileName = settings.Key.Split('/')[^1];
        var contentType = settings.Format == OutputFormat.Gzip ? "application/gzip" : "application/zip";
        var target = new UploadTarget(settings.Bucket, settings.Key, contentType, ContentDisposition.Attachment(fileName))
        {
            ServerSideEncryption = settings.ServerSideEncryption,
            SseKmsKeyId = settings.SseKmsKeyId,
            OnlyIfAbsent = settings.IfExists == IfExists.Fail,
        };
        var upload = await MultipartUploadStream.StartAsync(s3, target, settings.PartSizeBytes, settings.UploadConcurrency, ct);
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var files = new CsvFiles(settings.EntryName, numbered: settings.MaxRowsPerFile > 0 || settings.EntryPerSource);
            var csv = new CsvRowWriter(files.StartNext(), settings.Columns, settings.Csv);
            var sink = new CsvFileSink(csv, files, settings);
            IArchiveWriter archive = settings.Format == OutputFormat.Gzip
                ? new GzipStreamWriter(upload, settings.CompressionLevel, settings.CompressionThreads)
                : new ZipStreamWriter(upload, settings.CompressionLevel, settings.CompressionThreads);
            var progress = new ExportProgress(() => records.RecordCount, () => records.BytesRead, () => csv.BytesWritten, () => archive.BytesWritten, () => upload.PartsCompleted);
            started(progress);
            await using var reporter = new ProgressReporter(progress, settings.ProgressInterval);

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
                        await archive.WriteEntryAsync(name, settings.InvocationTime, csvBytes, stop.Token);
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
            return new ExportSummary(settings.Bucket, settings.Key, records.RecordCount, records.BytesRead, csv.BytesWritten,
                upload.BytesWritten, upload.PartsCompleted, Math.Round(clock.Elapsed.TotalSeconds, 3), etag, upload.ObjectCrc32)
            {
                Rows = csv.Rows,
                Files = files.Count,
                SkippedRecords = sink.SkippedRecords,
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
