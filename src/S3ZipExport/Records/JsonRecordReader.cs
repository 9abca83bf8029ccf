using System.Text;
using System.Text.Json;

namespace S3ZipExport.Records;

/// <summary>
/// Reads a JSON document from a stream and hands each element of the records array to a sink, never holding more
/// than the read buffer plus one record. <see cref="Utf8JsonReader"/> is a ref struct, so it cannot live across an
/// await: each pass parses what is buffered with the state saved from the last pass, then the buffer is refilled.
/// Memory: the <see cref="ReadWindow"/>.
/// Outside the records array it also watches one more path, the page's total (connpass's <c>results_available</c>),
/// which may come before or after the records: once the document is read, <see cref="Total"/> holds it if present.
/// </summary>
internal sealed class JsonRecordReader(Stream body, IReadOnlyList<string> recordsPath, string? contentType, IReadOnlyList<string>? totalPath = null)
    : IRecordReader
{
    private enum Phase { Root, Navigate, SkipValue, Records, Trailing, Done }

    private readonly ReadWindow _window = new(body);
    private JsonReaderState _state;
    private Phase _phase = Phase.Root;
    private int _skipDepth;
    private readonly IReadOnlyList<string> _totalPath = totalPath ?? [];
    // The objects entered so far, each on the way to the records array, to the total, or both; only those are entered.
    private readonly List<(bool OnRecords, bool OnTotal)> _containers = [];
    private bool _recordsDone;

    public long RecordCount { get; private set; }
    public long BytesRead => _window.BytesRead;

    /// <summary>The index the sink is given for this document's first record: the records read before it (earlier pages, URLs).</summary>
    public long FirstRecordIndex { get; init; }

    /// <summary>The number at the total path, once the parser has passed it; null if the document has none.</summary>
    public long? Total { get; private set; }

    private long Index => FirstRecordIndex + RecordCount;

    public async Task ReadAsync(IRecordSink sink, CancellationToken ct)
    {
        while (_phase != Phase.Done)
        {
            if (!await _window.FillAsync(ct))
                throw new BadInputException($"Record {Index} starting near byte offset {_window.Offset} is larger than {_window.MaxBytes / (1024 * 1024)} MiB.");
            var before = _window.Offset;
            Parse(sink);
            await sink.FlushAsync(ct);
            if (_phase != Phase.Done && _window.Offset == before && _window.IsFinal)
                throw Truncated();
        }
    }

    private void Parse(IRecordSink sink)
    {
        if (_phase == Phase.Root && !CheckLooksLikeJson()) return;
        var reader = new Utf8JsonReader(_window.Unconsumed, _window.IsFinal, _state);
        long committed = 0;
        try
        {
            while (_phase != Phase.Done && Step(ref reader, sink))
            {
                committed = reader.BytesConsumed;
                _state = reader.CurrentState;
            }
        }
        catch (JsonException e)
        {
            throw new BadInputException(
                $"The source is not valid JSON near byte offset {_window.Offset + committed} (line {e.LineNumber + 1}, byte {e.BytePositionInLine} of that line)" +
                (_phase == Phase.Records ? $", in record {Index}" : "") + $": {FirstSentence(e.Message)}", e);
        }
        _window.Consume((int)committed);
    }

    /// <summary>Advances by one complete step; false when the buffered bytes end inside it (the reader is then left as it was).</summary>
    private bool Step(ref Utf8JsonReader reader, IRecordSink sink)
    {
        var next = reader;
        if (!next.Read())
        {
            if (_window.IsFinal && _phase == Phase.Trailing) _phase = Phase.Done;
            return false;
        }
        switch (_phase)
        {
            case Phase.Root:
                if (recordsPath.Count == 0)
                {
                    if (next.TokenType != JsonTokenType.StartArray) throw PathProblem($"the document is {Describe(next.TokenType)}, not an array of records");
                    _phase = Phase.Records;
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
                }
                else if (toTotal && depth == _totalPath.Count - 1)
                {
                    if (next.TokenType != JsonTokenType.Number || !next.TryGetInt64(out var total) || total < 0)
                        throw TotalProblem($"it is {(next.TokenType == JsonTokenType.Number ? "not a whole number of 0 or more" : Describe(next.TokenType) + ", not a number")}");
                    Total = total;
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
                var isObject = next.TokenType == JsonTokenType.StartObject;
                if (isObject && sink.Extractor is { } extractor)
                {
                    // The values are found in this pass (no TrySkip first): both stop where the buffered bytes do.
                    if (!extractor.TryExtractWhileReading(ref next, _window.Unconsumed, recordStart, Index, _window.Offset + recordStart)) return false;
                }
                else if (!next.TrySkip()) return false;
                if (!isObject)
                {
                    sink.OnBadRecord(Index, _window.Offset + recordStart,
                        $"Record {Index} at byte offset {_window.Offset + recordStart} is {Describe(_window.Unconsumed[recordStart])}, not an object.");
                    RecordCount++;
                    break;
                }
                var record = _window.Unconsumed[recordStart..(int)next.BytesConsumed];
                sink.OnRecord(record, Index, _window.Offset + recordStart);
                RecordCount++;
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
        var span = _window.Unconsumed;
        if (span.StartsWith("\uFEFF"u8)) { _window.Consume(3); span = span[3..]; }
        var text = span.TrimStart(" \t\r\n"u8);
        if (text.IsEmpty)
        {
            if (_window.IsFinal) throw new BadInputException($"The source body is empty (Content-Type '{contentType ?? "none"}'); expected JSON.");
            return false;
        }
        if (text[0] is (byte)'{' or (byte)'[') return true;
        var preview = Encoding.UTF8.GetString(text[..Math.Min(text.Length, 80)]).ReplaceLineEndings(" ");
        throw new BadInputException($"The source is not JSON (Content-Type '{contentType ?? "none"}'); it starts with: {preview}");
    }

    private BadInputException PathProblem(string what) =>
        new($"Records path '{string.Join('.', recordsPath)}' (EXPORT_RECORDS_PATH) does not lead to an array of records: {what}.");

    private BadInputException TotalProblem(string what) =>
        new($"Total path '{string.Join('.', _totalPath)}' (EXPORT_PAGE_TOTAL_PATH) does not lead to the number of records available: {what}.");

    private BadInputException Truncated() =>
        new($"The source ended at byte offset {_window.Offset + _window.Unconsumed.Length} before the JSON document was complete" +
            (_phase == Phase.Records ? $" (inside record {Index}, after {RecordCount} complete records)." : "."));

    internal static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private static string Describe(byte first) => first switch
    {
        (byte)'[' => "an array",
        (byte)'"' => "a string",
        (byte)'t' or (byte)'f' => "a boolean",
        (byte)'n' => "null",
        _ => "a number",
    };

    internal static string FirstSentence(string message) => message.Split(" LineNumber:")[0].TrimEnd('.', ' ');
}
