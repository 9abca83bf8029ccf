using System.Diagnostics;
using System.IO.Pipelines;
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
///   + CSV pipe (<see cref="CsvPipePauseBytes"/> before the writer waits)
///   + compression (chunk × threads × 2)
///   + part buffers (part size × (concurrency + 1)).
/// Any stage's failure cancels the others, the upload is aborted, and that first failure is what the caller sees.
/// </summary>
internal static class ExportJob
{
    public const int CsvPipePauseBytes = 4 * 1024 * 1024;

    public static async Task<ExportSummary> RunAsync(ExportSettings settings, IAmazonS3 s3, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        // The source is opened before the upload is created: a source that answers 401 or 404 leaves nothing behind.
        using var response = await HttpSource.OpenAsync(settings.SourceUrl, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var records = new JsonRecordReader(body, settings.RecordsPath, response.Content.Headers.ContentType?.ToString());

        var fileName = settings.Key.Split('/')[^1];
        var target = new UploadTarget(settings.Bucket, settings.Key, "application/zip", $"attachment; filename=\"{fileName}\"");
        var upload = await MultipartUploadStream.StartAsync(s3, target, settings.PartSizeBytes, settings.UploadConcurrency, ct);
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var pipe = new Pipe(new PipeOptions(
                pauseWriterThreshold: CsvPipePauseBytes, resumeWriterThreshold: CsvPipePauseBytes / 2,
                minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
            var csv = new CsvRowWriter(pipe.Writer, settings.Columns, settings.Csv);
            var zip = new ZipStreamWriter(upload, settings.CompressionLevel, settings.CompressionThreads);
            await using var reporter = new ProgressReporter(
                new ExportProgress(() => records.RecordCount, () => records.BytesRead, () => csv.BytesWritten, () => zip.BytesWritten, () => upload.PartsCompleted),
                settings.ProgressInterval);

            var produce = Task.Run(async () =>
            {
                try
                {
                    await records.ReadAsync(csv, stop.Token);
                    await pipe.Writer.CompleteAsync();
                }
                catch (Exception e)
                {
                    await pipe.Writer.CompleteAsync(e);
                    await stop.CancelAsync();
                    throw;
                }
            }, stop.Token);
            var compress = Task.Run(async () =>
            {
                try
                {
                    await using var csvBytes = pipe.Reader.AsStream();
                    await zip.WriteEntryAsync(settings.EntryName, settings.InvocationTime, csvBytes, stop.Token);
                    await zip.FinishAsync(stop.Token);
                }
                catch (Exception e)
                {
                    await pipe.Reader.CompleteAsync(e);
                    await stop.CancelAsync();
                    throw;
                }
            }, stop.Token);
            await WhenBothAsync(produce, compress, ct);

            var etag = await upload.CompleteAsync(ct);
            return new ExportSummary(settings.Bucket, settings.Key, records.RecordCount, records.BytesRead, csv.BytesWritten,
                upload.BytesWritten, upload.PartsCompleted, Math.Round(clock.Elapsed.TotalSeconds, 3), etag);
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
