using System.Text.Json;
using System.Text.Unicode;
using S3ZipExport.Settings;

namespace S3ZipExport.Records;

/// <summary>
/// Finds each column's value in one record's JSON in a single pass. Strings are unescaped into a scratch buffer
/// owned by this instance and reused for every row, so a row costs no allocation.
/// </summary>
internal sealed partial class RecordFieldExtractor
{
    private readonly ColumnPathTree _tree;
    private readonly int[] _sameAs;  // for a column whose path repeats an earlier column's: that column, else -1
    private byte[] _scratch = new byte[64 * 1024];
    private int _scratchUsed;

    public RecordFieldExtractor(IReadOnlyList<ColumnSpec> columns)
    {
        _tree = new ColumnPathTree(columns);
        Values = new FieldValue[columns.Count];
        _sameAs = new int[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            _sameAs[i] = -1;
            for (var j = 0; j < i && _sameAs[i] < 0; j++)
                if (columns[j].Path.SequenceEqual(columns[i].Path)) _sameAs[i] = j;
        }
        _headers = columns.Select(c => c.Header).ToArray();
        if (columns.Any(c => c.Formatter is not null))
        {
            _formatters = columns.Select(c => c.Formatter).ToArray();
            _separators = SeparatorsOf(columns);
        }
    }

    /// <summary>The values found by the last <see cref="Extract"/>, one per column.</summary>
    public FieldValue[] Values { get; }

    /// <summary>Unescaped text and compacted JSON of the last record.</summary>
    public ReadOnlySpan<byte> Scratch => _scratch.AsSpan(0, _scratchUsed);

    public void Extract(ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        Array.Clear(Values);
        _scratchUsed = 0;
        var reader = new Utf8JsonReader(record);
        reader.Read();
        Visit(ref reader, _tree.Root, record, index, byteOffset);
        for (var i = 0; i < _sameAs.Length; i++)
            if (_sameAs[i] >= 0) Values[i] = Values[_sameAs[i]];
        // After the copies: a raw column and a formatted column may share a path.
        if (_formatters is not null) ApplyFormatters(record, index, byteOffset);
    }

    private void Visit(ref Utf8JsonReader reader, ColumnPathTree.Node node, ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        // reader is on the StartObject of the object that node describes
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ColumnPathTree.Node? match = null;
            foreach (var child in node.Children)
                if (reader.ValueTextEquals(child.Name)) { match = child; break; }
            reader.Read();
            if (match is null)
            {
                reader.Skip();
                continue;
            }
            var start = (int)reader.TokenStartIndex;
            var isContainer = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray;
            if (match.Column >= 0 && !isContainer)
                Values[match.Column] = Capture(ref reader, record, index, byteOffset);
            if (match.Children.Count > 0 && reader.TokenType == JsonTokenType.StartObject)
                Visit(ref reader, match, record, index, byteOffset);
            else if (isContainer)
                reader.Skip();
            if (match.Column >= 0 && isContainer)
                Values[match.Column] = CompactJson(record[start..(int)reader.BytesConsumed]);
        }
    }

    private FieldValue Capture(ref Utf8JsonReader reader, ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return new FieldValue(FieldKind.Null, 0, 0, false);
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                return new FieldValue(FieldKind.Literal, (int)reader.TokenStartIndex, reader.ValueSpan.Length, false);
        }
        // A string. Utf8JsonReader does not validate UTF-8 inside strings it is not asked to decode,
        // so the bytes are checked here: bad bytes must fail loudly, not end up in the CSV.
        var start = (int)reader.TokenStartIndex + 1;
        if (!reader.ValueIsEscaped)
        {
            var raw = reader.ValueSpan;
            if (!Utf8.IsValid(raw)) throw InvalidUtf8(raw, byteOffset + start, index);
            return new FieldValue(FieldKind.Text, start, raw.Length, false);
        }
        // Unescaping never makes a JSON string longer in UTF-8 (6-byte \uXXXX escapes become at most 3 bytes).
        var target = Reserve(reader.ValueSpan.Length);
        int written;
        try
        {
            written = reader.CopyString(target);
        }
        catch (InvalidOperationException)
        {
            // CopyString rejects a lone surrogate escape (\uD800 not followed by a low surrogate). Data from web
            // APIs does contain them (text cut in the middle of an emoji); we replace each with U+FFFD like
            // every UTF-8 encoder does, instead of failing a whole nightly export over one character.
            written = JsonStringUnescaper.Unescape(reader.ValueSpan, target);
        }
        if (!Utf8.IsValid(target[..written])) throw InvalidUtf8(reader.ValueSpan, byteOffset + start, index);
        var value = new FieldValue(FieldKind.Text, _scratchUsed, written, true);
        _scratchUsed += written;
        return value;
    }

    /// <summary>Drops the whitespace between tokens so an object or array column holds its compact JSON text.</summary>
    private FieldValue CompactJson(ReadOnlySpan<byte> json)
    {
        var target = Reserve(json.Length);
        int written = 0;
        bool inString = false, escaped = false;
        foreach (var b in json)
        {
            if (inString)
            {
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') inString = false;
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            else if (b == '"') inString = true;
            target[written++] = b;
        }
        var value = new FieldValue(FieldKind.Json, _scratchUsed, written, true);
        _scratchUsed += written;
        return value;
    }

    private Span<byte> Reserve(int length)
    {
        if (_scratchUsed + length > _scratch.Length)
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, _scratchUsed + length));
        return _scratch.AsSpan(_scratchUsed, length);
    }

    private static BadInputException InvalidUtf8(ReadOnlySpan<byte> raw, long offset, long index)
    {
        var valid = 0;
        while (valid < raw.Length && System.Text.Rune.DecodeFromUtf8(raw[valid..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
            valid += consumed;
        return new BadInputException($"Invalid UTF-8 at byte offset {offset + valid} of the source, in record {index}.");
    }
}
