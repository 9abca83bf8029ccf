using System.Text;
using System.Text.Json;
using S3ZipExport.Contract;

namespace S3ZipExport.Records;

/// <summary>
/// Reads a JSON document from a stream and hands each element of the records array on, never holding more than the
/// read buffer plus one record. <see cref="Utf8JsonReader"/> is a ref struct, so it cannot live across an await: each
/// pass parses what is buffered with the state saved from the last pass, then the buffer is refilled.
/// Outside the records array it also watches one more path, the page's total (connpass's <c>results_available</c>),
/// which may come before or after the records: once the document is read, <see cref="Total"/> holds it if present.
/// Repeated names: the total's last one counts; the records array is the first one found, since records already
/// exported cannot be taken back (a later array under the same name is read only to check the document).
/// </summary>
internal sealed partial class JsonRecordReader(Stream body, IReadOnlyList<string> recordsPath, string? contentType, RecordExtraction extraction,
    IReadOnlyList<string>? totalPath = null) : RecordReader(body, contentType, extraction)
{
    private enum Phase { Root, Navigate, SkipValue, Records, Trailing, Done, Cut }

    private JsonReaderState _state = new(Options);
    private Phase _phase = Phase.Root;
    private int _skipDepth;
    private readonly IReadOnlyList<string> _totalPath = totalPath ?? [];
    // The objects entered so far, each on the way to the records array, to the total, or both; only those are entered.
    private readonly List<(bool OnRecords, bool OnTotal)> _containers = [];
    private bool _recordsDone;
    private long? _total;
    private bool _skipPlaceholder;   // resumed: the first element is the prefix's stand-in, not a record
    private long? _resumedAt;

    /// <summary>
    /// Reads the document from <paramref name="offset"/>, just after a record where an earlier invocation cut: the
    /// body given starts there (fetched with Range), so its first token is ',' or ']'. A synthetic prefix stands for
    /// the document before it, <c>{"data":{"items":[0</c> for the records path data.items, with a placeholder element
    /// that is skipped: the reader then is inside the records array as if it had read its way there, and checks the
    /// rest of the document as usual. Offsets in messages stay the document's; lines count from the offset.
    /// </summary>
    public void ResumeAt(long offset)
    {
        var prefix = new List<byte>();
        foreach (var name in recordsPath)
        {
            prefix.AddRange("{\""u8.ToArray());
            prefix.AddRange(JsonEncodedText.Encode(name).EncodedUtf8Bytes.ToArray());
            prefix.AddRange("\":"u8.ToArray());
        }
        prefix.AddRange("[0"u8.ToArray());
        Window.StartAt(offset, prefix.ToArray());
        _skipPlaceholder = true;
        _resumedAt = offset;
        _lineStart = offset - prefix.Count;   // the reader's columns on its first line count from the prefix's start
        _firstLineStart = _lineStart;
    }

    public override long? Total => _total;

    protected override async Task ReadRecordsAsync(IRecordSink sink, CancellationToken ct)
    {
        while (_phase is not (Phase.Done or Phase.Cut))
        {
            if (!await Window.FillAsync(ct))
                throw new BadInputException($"Record {Number} starting near byte offset {Window.Offset} is larger than {Window.MaxBytes / (1024 * 1024)} MiB, the largest this function's memory allows.");
            var before = Window.Offset;
            Parse(sink);
            await sink.FlushAsync(ct);
            if (_phase is not (Phase.Done or Phase.Cut) && Window.Offset == before && Window.IsFinal)
                throw Truncated();
        }
    }

    private void Parse(IRecordSink sink)
    {
        if (_phase == Phase.Root && !CheckLooksLikeJson()) return;
        try
        {
            while (_phase is not (Phase.Done or Phase.Cut))
            {
                // The scanner takes the object records it can; the reader takes every other step.
                if (_phase == Phase.Records && Scans && !ScanRecords(sink)) return;
                if (!ReadTokens()) return;
            }
        }
        catch (JsonException e)
        {
            // One position, where the problem is: JsonException counts lines and bytes from the start of the document
            // (or from where the scanner left the reader off: the origin maps that).
            var (line, column) = _origin.Map(e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            var where = line == 0 ? $"at byte offset {_firstLineStart + column}"
                : _resumedAt is { } resumed ? $"at line {line + 1} counted from byte offset {resumed}, column {column + 1} (columns count bytes)"
                : $"at line {line + 1}, column {column + 1} (columns count bytes)";
            throw new BadInputException(
                $"The source is not valid JSON {where}" + (_phase == Phase.Records ? $", in record {Number}" : "") + $": {Problem(e)}.", e);
        }

        // Steps the reader through the buffered bytes; true when it stopped early to hand the records to the scanner.
        bool ReadTokens()
        {
            var reader = new Utf8JsonReader(Window.Unconsumed, Window.IsFinal, _state);
            long committed = 0;
            var toScanner = false;
            while (_phase is not (Phase.Done or Phase.Cut) && Step(ref reader, sink))
            {
                committed = reader.BytesConsumed;
                _state = reader.CurrentState;
                if (_phase == Phase.Records && Scans)
                {
                    toScanner = true;
                    break;
                }
            }
            Advance((int)committed);
            return toScanner;
        }
    }

    /// <summary>Advances by one complete step; false when the buffered bytes end inside it (the reader is then left as it was).</summary>
    private bool Step(ref Utf8JsonReader reader, IRecordSink sink)
    {
        var next = reader;
        if (!next.Read())
        {
            if (Window.IsFinal && _phase == Phase.Trailing) _phase = Phase.Done;
            return false;
        }
        switch (_phase)
        {
            case Phase.Root:
                if (recordsPath.Count == 0)
                {
                    if (next.TokenType != JsonTokenType.StartArray) throw PathProblem($"the document is {Describe(next.TokenType)}, not an array of records");
                    _phase = Phase.Records;
                    _afterRecord = false;
                }
                else
                {
                    if (next.TokenType != JsonTokenType.StartObject) throw PathProblem($"the document is {Describe(next.TokenType)}, not an object");
                    _containers.Add((true, _totalPath.Count > 0));
                    _phase = Phase.Navigate;
                }
                break;

            case Phase.Navigate:
                var depth = _containers.Count - 1;
                var (onRecords, onTotal) = _containers[depth];
                if (next.TokenType == JsonTokenType.EndObject)
                {
                    if (onRecords && !_recordsDone)
                        throw PathProblem($"no property '{recordsPath[depth]}' in {(depth == 0 ? "the document" : $"'{string.Join('.', recordsPath.Take(depth))}'")}");
                    _containers.RemoveAt(depth);
                    if (_containers.Count == 0) _phase = Phase.Trailing;
                    break;
                }
                var toRecords = onRecords && !_recordsDone && next.ValueTextEquals(recordsPath[depth]);
                var toTotal = onTotal && next.ValueTextEquals(_totalPath[depth]);
                if (!next.Read()) return false;
                if (toRecords && depth == recordsPath.Count - 1)
                {
                    if (next.TokenType != JsonTokenType.StartArray) throw PathProblem($"it is {Describe(next.TokenType)}, not an array");
                    _phase = Phase.Records;
                    _afterRecord = false;
                }
                else if (toTotal && depth == _totalPath.Count - 1)
                {
                    if (next.TokenType != JsonTokenType.Number || !next.TryGetInt64(out var total) || total < 0)
                        throw TotalProblem($"it is {(next.TokenType == JsonTokenType.Number ? "not a whole number of 0 or more" : Describe(next.TokenType) + ", not a number")}");
                    _total = total;
                }
                else if ((toRecords || toTotal) && next.TokenType == JsonTokenType.StartObject)
                {
                    _containers.Add((toRecords, toTotal));
                }
                else if (toRecords)
                {
                    throw PathProblem($"'{string.Join('.', recordsPath.Take(depth + 1))}' is {Describe(next.TokenType)}, not an object");
                }
                else if (toTotal)
                {
                    throw TotalProblem($"'{string.Join('.', _totalPath.Take(depth + 1))}' is {Describe(next.TokenType)}, not an object");
                }
                else if (next.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // Skipped token by token: an unrelated value may be larger than any buffer we want to hold.
                    _skipDepth = next.CurrentDepth;
                    _phase = Phase.SkipValue;
                }
                break;

            case Phase.SkipValue:
                if (next.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && next.CurrentDepth == _skipDepth)
                    _phase = Phase.Navigate;
                break;

            case Phase.Records:
                if (next.TokenType == JsonTokenType.EndArray)
                {
                    // Back to the enclosing objects: a total after the records array is still to be found.
                    _recordsDone = true;
                    _phase = _containers.Count == 0 ? Phase.Trailing : Phase.Navigate;
                    break;
                }
                var recordStart = (int)next.TokenStartIndex;
                _afterRecord = true;
                if (_skipPlaceholder)
                {
                    _skipPlaceholder = false;
                    break;
                }
                if (next.TokenType == JsonTokenType.StartObject)
                {
                    // The values are found in this pass (no TrySkip first): both stop where the buffered bytes do.
                    if (!TryExtract(ref next, Window.Unconsumed, recordStart, Window.Offset)) return false;
                    Emit(Window.Unconsumed[recordStart..(int)next.BytesConsumed], Window.Offset + recordStart, sink);
                }
                else
                {
                    var type = next.TokenType;
                    if (!next.TrySkip()) return false;
                    NotAnObject(type, Window.Offset + recordStart, "");
                }
                if (StopsForCut(Window.Offset + next.BytesConsumed)) _phase = Phase.Cut;
                break;

            case Phase.Trailing:
                break; // the rest of the document is read only to prove it is complete
        }
        reader = next;
        return true;
    }

    /// <summary>An HTML error page or a plain-text answer is the usual failure: say so with its first bytes.</summary>
    private bool CheckLooksLikeJson()
    {
        var span = Window.Unconsumed;
        if (span.StartsWith("\uFEFF"u8))
        {
            Window.Consume(3);
            _lineStart = 3;   // the reader counts from after the mark
            _firstLineStart = 3;
            span = span[3..];
        }
        var text = span.TrimStart(" \t\r\n"u8);
        if (text.IsEmpty)
        {
            if (Window.IsFinal) throw new BadInputException($"The source body is empty (Content-Type '{ContentType ?? "none"}'); expected JSON.");
            return false;
        }
        if (text[0] is (byte)'{' or (byte)'[') return true;
        var preview = Encoding.UTF8.GetString(text[..Math.Min(text.Length, 80)]).ReplaceLineEndings(" ");
        throw new BadInputException($"The source is not JSON (Content-Type '{ContentType ?? "none"}'); it starts with: {preview}");
    }

    private RecordsPathException PathProblem(string what) =>
        new($"Records path '{string.Join('.', recordsPath)}' ({SettingNames.RecordsPath}) does not lead to an array of records: {what}.");

    private BadInputException TotalProblem(string what) =>
        new($"Total path '{string.Join('.', _totalPath)}' ({SettingNames.PageTotalPath}) does not lead to the number of records available: {what}.");

    private BadInputException Truncated() =>
        new($"The source ended at byte offset {Window.Offset + Window.Unconsumed.Length} before the JSON document was complete" +
            (_phase == Phase.Records ? $" (inside record {Number}, after {RecordCount} complete records)." : "."));
}
