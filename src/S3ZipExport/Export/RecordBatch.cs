using System.Buffers;

namespace S3ZipExport.Export;

/// <summary>
/// Consecutive records the reader handed over (their bytes copied end to end), and what one parse thread made of
/// them: the rows end to end, where each row ends, and the records that became no row with why, in record order.
/// Reused: <see cref="Reset"/> keeps the buffers, so a steady export allocates nothing per batch.
/// </summary>
internal sealed class RecordBatch(int perRecordBytes)
{
    /// <summary>
    /// What a record weighs in a batch besides its bytes, for <paramref name="columns"/> columns: its place in the
    /// batch's lists, and what its row can take beyond twice the record's bytes (a quoted value doubles its quotes):
    /// for each column a delimiter, two quotes and the formula guard's apostrophe, rounded up. So a batch's rows are
    /// at most twice its weight, whatever the records' sizes (formatters that lengthen a value and columns that
    /// repeat a path aside).
    /// </summary>
    public static int PerRecordBytes(int columns) => 32 + 8 * columns;

    private readonly record struct Slot(int Start, int Length, long Index, long ByteOffset);

    private byte[] _input = new byte[ParallelCsvSink.BatchBytes];
    private int _inputBytes;
    private readonly List<Slot> _records = [];
    private readonly List<int> _rowEnds = [];
    private readonly List<(int RowsBefore, Exception Problem, long UnencodableBefore)> _problems = [];

    /// <summary>The rows the parse thread made, in the export's CSV format.</summary>
    public ArrayBufferWriter<byte> Rows { get; } = new(ParallelCsvSink.BatchBytes);

    /// <summary>Set by the parse thread when it is done with the batch.</summary>
    public ManualResetEventSlim Made { get; } = new(false);

    /// <summary>Characters the rows could not encode (Shift_JIS), counted with the export's.</summary>
    public long Unencodable { get; set; }

    public int InputBytes => _inputBytes;

    /// <summary>The records' bytes and what each weighs besides (<see cref="PerRecordBytes"/>): the batch is full at BatchBytes.</summary>
    public long Weight => _inputBytes + (long)_records.Count * perRecordBytes;
    public int Count => _records.Count;
    public bool IsEmpty => _records.Count == 0;

    /// <summary>Where each row ends in <see cref="Rows"/>.</summary>
    public ReadOnlySpan<int> RowEnds => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_rowEnds);

    /// <summary>
    /// The records that became no row, in order, each after the rows made before it and with the characters those
    /// rows (and, for a record that failed while its row was written, that row so far) could not encode.
    /// </summary>
    public IReadOnlyList<(int RowsBefore, Exception Problem, long UnencodableBefore)> Problems => _problems;

    public void Add(ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        if (_inputBytes + record.Length > _input.Length)
            Array.Resize(ref _input, Math.Max(2 * _input.Length, _inputBytes + record.Length));
        record.CopyTo(_input.AsSpan(_inputBytes));
        _records.Add(new Slot(_inputBytes, record.Length, index, byteOffset));
        _inputBytes += record.Length;
    }

    /// <summary>Record <paramref name="i"/>'s bytes, its index in the export and its byte offset in its source.</summary>
    public ReadOnlySpan<byte> Record(int i, out long index, out long byteOffset)
    {
        var slot = _records[i];
        (index, byteOffset) = (slot.Index, slot.ByteOffset);
        return _input.AsSpan(slot.Start, slot.Length);
    }

    /// <summary>The row of the record just made ends where <see cref="Rows"/> ends now.</summary>
    public void RowMade() => _rowEnds.Add(Rows.WrittenCount);

    public void NoRow(Exception problem, long unencodableBefore) => _problems.Add((_rowEnds.Count, problem, unencodableBefore));

    public void Reset()
    {
        _inputBytes = 0;
        _records.Clear();
        _rowEnds.Clear();
        _problems.Clear();
        Rows.ResetWrittenCount();
        Unencodable = 0;
        Made.Reset();
    }
}
