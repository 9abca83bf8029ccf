using S3ZipExport.Contract;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>The summary an export returns, from what its last invocation did and what the earlier ones saved.</summary>
internal static class ExportSummaries
{
    public static ExportSummary Of(ExportPlan plan, StagesResult last, ExportState? before, TimeSpan elapsed)
    {
        var total = last.Counts.After(before?.Counts);
        return new()
        {
            Bucket = plan.Upload.Bucket,
            Key = plan.Upload.Key,
            Records = total.Records,
            Rows = total.Rows,
            SkippedRecords = total.SkippedRecords,
            Files = last.Files,
            SourceBytes = total.SourceBytes,
            CsvBytes = total.CsvBytes,
            ZipBytes = last.ZipBytes,
            Parts = last.Parts,
            ElapsedSeconds = Math.Round((before?.ElapsedSeconds ?? 0) + elapsed.TotalSeconds, 3),
            Etag = last.Etag,
            ChecksumAlgorithm = plan.Upload.Checksum.S3Name(),
            Checksum = last.Checksum,
            UnencodableCharacters = total.UnencodableCharacters,
            Invocations = (before?.Invocations ?? 0) + 1,
        };
    }

    /// <summary>EXPORT_IF_EXISTS=skip found the object there: nothing done.</summary>
    public static ExportSummary Skipped(UploadOptions target, TimeSpan elapsed) => new()
    {
        Bucket = target.Bucket,
        Key = target.Key,
        ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 3),
        Skipped = true,
        Invocations = 1,
    };
}
