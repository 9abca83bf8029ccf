namespace S3ZipExport.Telemetry;

/// <summary>Counters of a running export, read by the progress reporter while the stages update them.</summary>
internal sealed class ExportProgress(Func<long> records, Func<long> sourceBytes, Func<long> csvBytes, Func<long> zipBytes, Func<int> parts)
{
    public long Records => records();
    public long SourceBytes => sourceBytes();
    public long CsvBytes => csvBytes();
    public long ZipBytes => zipBytes();
    public int Parts => parts();
}
