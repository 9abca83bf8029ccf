namespace S3ZipExport.Records;

/// <summary>The export's one extractor and bad-record policy, shared by the readers of all its documents.</summary>
internal sealed class RecordExtraction(RecordOptions options)
{
    public RecordFieldExtractor Extractor { get; } = new(options.Columns);
    public BadRecords BadRecords { get; } = new(options.OnBadRecord);
    public int MaxRecordBytes => options.MaxRecordBytes;
}
