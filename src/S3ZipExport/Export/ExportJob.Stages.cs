using System.Diagnostics;
using Amazon.S3;
using S3ZipExport.Archive;
using S3ZipExport.Csv;
using S3ZipExport.Settings;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>The stages of one export and how they are joined, started and stopped.</summary>
internal static partial class ExportJob
{
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
