using System.Text;
using System.Text.Json;

namespace S3ZipExport.Records;

/// <summary>
/// Inside the records array, object records are read by the extractor's scanner (<see cref="RecordFieldExtractor.TryScan"/>)
/// rather than by Utf8JsonReader, which spends most of its time on long strings with escapes. The reader still takes
/// every other step: the end of the array, an element that is not an object, and any record the scanner leaves to it
/// (invalid JSON or UTF-8 among them), which it then reads and fails on exactly as it would have alone.
/// </summary>
internal sealed partial class JsonRecordReader
{
    private bool _afterRecord;   // in the records array, after an element (a comma must come before the next one)
    private (JsonReaderState State, int Column)? _afterRecordState;
    private long _line;          // LF bytes before the window's offset: the line Utf8JsonReader would be on
    private long _lineStart;     // offset of that line's first byte
    private long _firstLineStart; // where the reader's first line starts: after a byte order mark, or a resume's prefix
    private ReaderOrigin _origin;

    /// <summary>Whether the scanner reads the records (at the array's depth, one below the path's objects).</summary>
    private bool Scans => ScansAt(recordsPath.Count + 1);

    /// <summary>
    /// Hands on the complete object records at the front of the buffer, scanned. False when the buffered bytes end
    /// inside a record, so more must be read first; true when the reader is to take the next step.
    /// </summary>
    private bool ScanRecords(IRecordSink sink)
    {
        var data = Window.Unconsumed;
        var consumed = 0;
        var needMore = false;
        while (true)
        {
            var i = JsonSyntax.SkipWhitespace(data, consumed);
            if (_afterRecord && i < data.Length)
            {
                if (data[i] != ',') break;   // the end of the array, or not JSON: the reader's to say
                i = JsonSyntax.SkipWhitespace(data, i + 1);
            }
            if (i >= data.Length)
            {
                needMore = !Window.IsFinal;
                break;
            }
            if (data[i] != '{') break;
            var end = HandsOver ? TryHandOver(data, i, Window.Offset) : JsonSyntax.Invalid;
            if (end == JsonSyntax.Invalid)
            {
                end = TryScan(data, i);
                if (end >= 0) Emit(data[i..end], Window.Offset + i, sink);
            }
            if (end < 0)
            {
                needMore = end == JsonSyntax.NeedMore && !Window.IsFinal;
                break;
            }
            consumed = end;
            _afterRecord = true;
            if (StopsForCut(Window.Offset + end))
            {
                _phase = Phase.Cut;
                break;
            }
        }
        // The reader takes the next step itself (or the document stops at a cut): what was handed over comes first.
        if (!needMore) DrainHandedOver();
        if (consumed > 0)
        {
            Advance(consumed);
            // The reader did not read these records, so it goes on from a state made for this point.
            var (state, column) = _afterRecordState ??= MakeAfterRecordState();
            _state = state;
            _origin = new ReaderOrigin(0, column, _line, Window.Offset - _lineStart);
        }
        return !needMore;
    }

    /// <summary>
    /// A reader state just after an element of the records array, made by reading a prefix of the same nesting
    /// (<c>{"":</c> for each records path segment, then <c>[{}</c>): a JsonReaderState can be had no other way, and
    /// the nesting is all the reader needs to go on. Its positions count from the prefix's end, at line 0.
    /// </summary>
    private (JsonReaderState, int) MakeAfterRecordState()
    {
        var prefix = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"\":", recordsPath.Count)) + "[{}");
        var reader = new Utf8JsonReader(prefix, isFinalBlock: false, new JsonReaderState(Options));
        while (reader.Read()) { }
        return (reader.CurrentState, prefix.Length);
    }

    /// <summary>Consumes <paramref name="count"/> bytes, counting the lines they end (at LF, as Utf8JsonReader counts them).</summary>
    private void Advance(int count)
    {
        var bytes = Window.Unconsumed[..count];
        var last = bytes.LastIndexOf((byte)'\n');
        if (last >= 0)
        {
            _line += bytes.Count((byte)'\n');
            _lineStart = Window.Offset + last + 1;
        }
        Window.Consume(count);
    }

    /// <summary>
    /// Where the reader's error positions are in the document: (ReaderLine, ReaderColumn) as the reader counts is
    /// (Line, Column) in the document; later lines are offset, and columns on that first line too. The default maps
    /// every position to itself.
    /// </summary>
    private readonly record struct ReaderOrigin(long ReaderLine, long ReaderColumn, long Line, long Column)
    {
        public (long Line, long Column) Map(long line, long column) =>
            line == ReaderLine ? (Line, Column + column - ReaderColumn) : (Line + line - ReaderLine, column);
    }
}
