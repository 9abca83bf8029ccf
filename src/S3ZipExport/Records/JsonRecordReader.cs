using System.Text;
using System.Text.Json;

namespace S3ZipExport.Records;

/// <summary>
/// Reads a JSON document from a stream and hands each element of the records array to a sink, never holding more
/// than the read buffer plus one record. <see cref="Utf8JsonReader"/> is a ref struct, so it cannot live across an
/// await: each pass parses what is buffered with the state saved from the last pass, then the buffer is refilled.
/// Memory: one buffer of <see cref="InitialBufferBytes"/>, grown only while a single record does not fit, up to
/// <see cref="MaxRecordBytes"/>.
/// </summary>
internal sealed class JsonRecordReader(Stream body, IReadOnlyList<string> recordsPath, string? contentType)
{
    public const int InitialBufferBytes = 256 * 1024;
    public const int MaxRecordBytes = 64 * 1024 * 1024;

    private enum Phase { Root, Navigate, SkipValue, Records, Trailing, Done }

    private byte[] _buffer = new byte[InitialBufferBytes];
    private int _start, _end;          // unparsed bytes are _buffer[_start.._end]
    private long _offsetOfStart;        // source offset of _buffer[_start]
    private bool _final;
    private JsonReaderState _state;
    private Phase _phase = Phase.Root;
    private int _matched;               // how many path segments lead to the container being searched
    private int _skipDepth;

    public long RecordCount { get; private set; }
    public long BytesRead { get; private set; }

    public async Task ReadAsync(IRecordSink sink, CancellationToken ct)
    {
        while (_phase != Phase.Done)
        {
            await FillAsync(ct);
            var before = _start;
            Parse(sink);
            await sink.FlushAsync(ct);
            if (_phase != Phase.Done && _start == before && _final)
                throw Truncated();
        }
    }

    private async Task FillAsync(CancellationToken ct)
    {
        if (_final) return;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            // The buffer holds one incomplete record (or token): grow it rather than fail, up to the limit.
            if (_buffer.Length >= MaxRecordBytes)
                throw new BadInputException($"Record {RecordCount} starting near byte offset {_offsetOfStart} is larger than {MaxRecordBytes / (1024 * 1024)} MiB.");
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxRecordBytes));
        }
        var read = await body.ReadAsync(_buffer.AsMemory(_end), ct);
        if (read == 0) _final = true;
        _end += read;
        BytesRead += read;
    }

    private void Parse(IRecordSink sink)
    {
        if (_phase == Phase.Root && !CheckLooksLikeJson()) return;
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
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
                $"The source is not valid JSON near byte offset {_offsetOfStart + committed} (line {e.LineNumber + 1}, byte {e.BytePositionInLine} of that line)" +
                (_phase == Phase.Records ? $", in record {RecordCount}" : "") + $": {FirstSentence(e.Message)}", e);
        }
        _start += (int)committed;
        _offsetOfStart += committed;
    }

    /// <summary>Advances by one complete step; false when the buffered bytes end inside it (the reader is then left as it was).</summary>
    private bool Step(ref Utf8JsonReader reader, IRecordSink sink)
    {
        var next = reader;
        if (!next.Read())
        {
            if (_final && _phase == Phase.Trailing) _phase = Phase.Done;
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
                    _phase = Phase.Navigate;
                }
                break;

            case Phase.Navigate:
                if (next.TokenType == JsonTokenType.EndObject)
                    throw PathProblem($"no property '{recordsPath[_matched]}' in {(_matched == 0 ? "the document" : $"'{string.Join('.', recordsPath.Take(_matched))}'")}");
                var matches = next.ValueTextEquals(recordsPath[_matched]);
                if (!next.Read()) return false;
                if (matches && _matched == recordsPath.Count - 1)
                {
                    if (next.TokenType != JsonTokenType.StartArray) throw PathProblem($"it is {Describe(next.TokenType)}, not an array");
                    _phase = Phase.Records;
                }
                else if (matches)
                {
                    if (next.TokenType != JsonTokenType.StartObject) throw PathProblem($"'{string.Join('.', recordsPath.Take(_matched + 1))}' is {Describe(next.TokenType)}, not an object");
                    _matched++;
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
                    _phase = Phase.Trailing;
                    break;
                }
                var recordStart = (int)next.TokenStartIndex;
                var isObject = next.TokenType == JsonTokenType.StartObject;
                if (!next.TrySkip()) return false;
                if (!isObject)
                {
                    sink.OnBadRecord(RecordCount, _offsetOfStart + recordStart,
                        $"Record {RecordCount} at byte offset {_offsetOfStart + recordStart} is {Describe(_buffer[_start + recordStart])}, not an object.");
                    RecordCount++;
                    break;
                }
                var record = _buffer.AsSpan(_start + recordStart, (int)next.BytesConsumed - recordStart);
                sink.OnRecord(record, RecordCount, _offsetOfStart + recordStart);
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
        var span = _buffer.AsSpan(_start, _end - _start);
        if (span.StartsWith("\uFEFF"u8)) { _start += 3; _offsetOfStart += 3; span = span[3..]; }
        var text = span.TrimStart(" \t\r\n"u8);
        if (text.IsEmpty)
        {
            if (_final) throw new BadInputException($"The source body is empty (Content-Type '{contentType ?? "none"}'); expected JSON.");
            return false;
        }
        if (text[0] is (byte)'{' or (byte)'[') return true;
        var preview = Encoding.UTF8.GetString(text[..Math.Min(text.Length, 80)]).ReplaceLineEndings(" ");
        throw new BadInputException($"The source is not JSON (Content-Type '{contentType ?? "none"}'); it starts with: {preview}");
    }

    private BadInputException PathProblem(string what) =>
        new($"Records path '{string.Join('.', recordsPath)}' (EXPORT_RECORDS_PATH) does not lead to an array of records: {what}.");

    private BadInputException Truncated() =>
        new($"The source ended at byte offset {_offsetOfStart + (_end - _start)} before the JSON document was complete" +
            (_phase == Phase.Records ? $" (inside record {RecordCount}, after {RecordCount} complete records)." : "."));

    private static string Describe(JsonTokenType type) => type switch
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

    private static string FirstSentence(string message) => message.Split(" LineNumber:")[0].TrimEnd('.', ' ');
}
