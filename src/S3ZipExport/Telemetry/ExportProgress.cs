namespace S3ZipExport.Telemetry;

/// <summary>Counters of a running export, read by the progress reporter while the stages update them.</summary>
internal sealed class ExportProgress(Func<long> records, Func<long> sourceBytes, Func<long> csvBytes, Func<long> zipBytes, Func<int> parts,
    Func<bool> uploadStarted)
{
    /// <summary>Whether anything exists in S3 yet (a multipart upload is created when the first part is full).</summary>
    public bool UploadStarted => uploadStarted();
    public long Records => records();
    public long SourceBytes => sourceBytes();
    public long CsvBytes => csvBytes();
    public long ZipBytes => zipBytes();
    public int Parts => parts();
}
