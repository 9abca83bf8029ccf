namespace S3ZipExport.Records;

/// <summary>
/// One record's column values as the record reader extracted them, handed forward to the CSV writer: each value is
/// a UTF-8 span in the record's own bytes or, once unescaped or formatted, in the extractor's scratch buffer. Valid
/// only during the call that receives it.
/// </summary>
internal readonly ref struct RecordFields(ReadOnlySpan<byte> record, ReadOnlySpan<byte> scratch, ReadOnlySpan<FieldValue> values, long index, long byteOffset)
{
    private readonly ReadOnlySpan<byte> _record = record;
    private readonly ReadOnlySpan<byte> _scratch = scratch;
    private readonly ReadOnlySpan<FieldValue> _values = values;

    /// <summary>Zero-based index of the record in the export (earlier pages and URLs included).</summary>
    public long Index { get; } = index;

    /// <summary>Offset of the record's first byte in its source body.</summary>
    public long ByteOffset { get; } = byteOffset;

    public int Count => _values.Length;

    /// <summary>
    /// The whole record's JSON text as the source has it (whitespace and escapes kept; the values above are slices of
    /// it). The export writes only the columns; this is for a sink that looks at every property (the local invoker's
    /// --discover), so that it needs no navigation of its own to find the records.
    /// </summary>
    public ReadOnlySpan<byte> Json => _record;

    public FieldKind KindOf(int column) => _values[column].Kind;

    /// <summary>The column's text: unescaped UTF-8, a JSON literal, or compact JSON; empty when missing or null.</summary>
    public ReadOnlySpan<byte> this[int column]
    {
        get
        {
            var value = _values[column];
            return (value.InScratch ? _scratch : _record).Slice(value.Start, value.Length);
        }
    }
}
