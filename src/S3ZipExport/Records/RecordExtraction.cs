namespace S3ZipExport.Records;

/// <summary>The export's one extractor and bad-record policy, shared by the readers of all its documents.</summary>
internal sealed class RecordExtraction(RecordOptions options)
{
    public RecordFieldExtractor Extractor { get; } = new(options.Columns);

    /// <summary>
    /// An extractor of no columns: its scan finds where an object record ends, checking it as the export's scan does,
    /// and extracts nothing. A reader that hands records to other threads (<see cref="IRecordBytesSink"/>) finds
    /// them with this.
    /// </summary>
    public RecordFieldExtractor EndFinder { get; } = new([]);

    public BadRecords BadRecords { get; } = new(options.OnBadRecord);
    public int MaxRecordBytes => options.MaxRecordBytes;

    /// <summary>
    /// Whether the readers scan object records with <see cref="RecordFieldExtractor.TryScan"/> before falling back to
    /// Utf8JsonReader. Always on in an export; tests turn it off to compare the two readings byte for byte.
    /// </summary>
    public bool ScansRecords { get; init; } = true;
}
