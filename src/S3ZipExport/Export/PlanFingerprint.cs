using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace S3ZipExport.Export;

/// <summary>
/// A hash of the settings that shape an export's bytes (the source, the records and columns, the CSV, the archive,
/// the object and its parts). Each invocation of an export of several must have the same, or its output would not
/// continue the earlier ones': a deployment that changes them in between stops the export, saying so. Threads,
/// concurrency, pacing and retries may change: they change how fast the bytes are made, not which.
/// </summary>
internal static class PlanFingerprint
{
    public static string Of(ExportPlan plan)
    {
        var text = new StringBuilder();
        void Add(object? value) => text.Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\u001F');
        foreach (var url in plan.Source.Urls) Add(url.AbsoluteUri);
        Add(plan.Source.Format);
        if (plan.Source.Paging is { } paging)
        {
            Add(paging.StartParam); Add(paging.StartBase); Add(paging.SizeParam); Add(paging.Size); Add(string.Join('.', paging.TotalPath));
        }
        Add(string.Join('\u001E', plan.Records.RecordsPath));
        foreach (var column in plan.Records.Columns)
        {
            Add(column.Header); Add(string.Join('\u001E', column.Path)); Add(column.Formatter);
        }
        Add(plan.Records.OnBadRecord);
        Add(plan.Csv);
        Add(plan.Archive.Format); Add(plan.Archive.Level); Add(plan.Archive.EntryName); Add(plan.Archive.MaxRowsPerFile); Add(plan.Archive.EntryPerSource);
        Add(plan.Archive.Modified.ToUnixTimeSeconds());
        Add(plan.Upload.Bucket); Add(plan.Upload.Key); Add(plan.Upload.PartBytes); Add(plan.Upload.Checksum);
        Add(plan.Upload.ServerSideEncryption); Add(plan.Upload.SseKmsKeyId); Add(plan.Upload.IfExists);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
