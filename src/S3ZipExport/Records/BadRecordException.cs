namespace S3ZipExport.Records;

/// <summary>
/// One record cannot become a row (not an object, or a value a column formatter cannot take). Unlike other bad
/// input, the rest of the source is fine: EXPORT_ON_BAD_RECORD=skip leaves such a record out and goes on.
/// </summary>
public sealed class BadRecordException(string message, long index) : BadInputException(message)
{
    public long Index { get; } = index;
}
