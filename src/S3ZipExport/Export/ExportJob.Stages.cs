using System.Diagnostics;
using Amazon.S3;
using S3ZipExport.Archive;
using S3ZipExport.Contract;
using S3ZipExport.Csv;
using S3ZipExport.Pipeline;
using S3ZipExport.Records;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>The stages of one export and how they are joined, started and stopped.</summary>
internal static partial class ExportJob
{
    private static async Task<ExportSummary> RunStagesAsync(ExportPlan plan, IAmazonS3 s3, HttpSource source, Action<ExportProgress> started, Stopwatch clock, CancellationToken ct)
    {
        var records = new RecordProducer(plan.Source, plan.Records, plan.Run.StopAfter, source);
        // Nothing is created in S3 before the first part is full (ObjectUploadStream), so a source that answers 401
        // or 404 leaves nothing behind.
        var upload = new ObjectUploadStream(new S3UploadClient(s3, plan.Upload), plan.Upload, ct);
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var files = new CsvFiles(plan.Archive.EntryName, numbered: plan.Archive.IsSplit);
            var csv = new CsvRowWriter(files.StartNext(), plan.Records.Columns, plan.Csv);
            var sink = new CsvFileSink(csv, files, plan.Archive);
            IArchiveWriter archive = plan.Archive.Format == ArchiveFormat.Gzip
                ? new GzipStreamWriter(upload, plan.Archive.Level, plan.Archive.Threads)
                : new ZipStreamWriter(upload, plan.Archive.Level, plan.Archive.Threads);
            var progress = new ExportProgress(() => records.RecordCount, () => records.BytesRead, () => csv.BytesWritten, () => archive.BytesWritten, () => upload.PartsCompleted,
                () => upload.IsStarted);
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
            await FirstFailure.WhenAllAsync(produce, compress);
            ct.ThrowIfCancellationRequested();

            var etag = await upload.CompleteAsync(ct);
            return new ExportSummary
            {
                Bucket = plan.Upload.Bucket,
                Key = plan.Upload.Key,
                Records = records.RecordCount,
                Rows = csv.Rows,
                SkippedRecords = records.SkippedRecords,
                Files = files.Count,
                SourceBytes = records.BytesRead,
                CsvBytes = csv.BytesWritten,
                ZipBytes = upload.BytesWritten,
                Parts = upload.PartsCompleted,
                ElapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
                Etag = etag,
                ChecksumAlgorithm = plan.Upload.Checksum.S3Name(),
                Checksum = upload.ObjectChecksum,
                UnencodableCharacters = csv.UnencodableCharacters,
            };
        }
        catch
        {
            await upload.AbortAsync();
            throw;
        }
    }
}
