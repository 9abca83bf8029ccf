using System.Text.Json;
using System.Text.Unicode;

namespace S3ZipExport.Records;

/// <summary>
/// Finds each column's value in one record's JSON in a single pass. Strings are unescaped into a scratch buffer
/// owned by this instance and reused for every row, so a row costs no allocation.
/// </summary>
internal sealed partial class RecordFieldExtractor
{
    /// <summary>The scratch buffer's size at first; it grows only for a record whose text needs more.</summary>
    public const int InitialScratchBytes = 64 * 1024;

    private readonly ColumnPathTree _tree;
    private readonly int[] _sameAs;  // for a column whose path repeats an earlier column's: that column, else -1
    private byte[] _scratch = new byte[InitialScratchBytes];
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

    private FieldValue[] Values { get; }

    /// <summary>Unescaped text and compacted JSON of the current record.</summary>
    private ReadOnlySpan<byte> Scratch => _scratch.AsSpan(0, _scratchUsed);

    /// <summary>
    /// Finds every column's value with the record reader's own <see cref="Utf8JsonReader"/>, so each record is parsed
    /// once. <paramref name="reader"/> is on the record's StartObject in <paramref name="data"/>, at
    /// <paramref name="recordStart"/>; it is left on the EndObject. False when <paramref name="data"/> ends inside
    /// the record (only when it is not the final block): the caller drops its copy of the reader, reads more and
    /// calls again from the StartObject. A property name that appears twice counts once, the last one wins (as in
    /// JSON.parse and Python's json), whether it holds the value or an object on the way to it.
    /// </summary>
    public bool TryRead(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, int recordStart, long index, long byteOffset)
    {
        Array.Clear(Values);
        _scratchUsed = 0;
        return Visit(ref reader, _tree.Root, data, recordStart, index, byteOffset);
    }

    /// <summary>
    /// The record's fields once <see cref="TryRead"/> found them: columns that repeat a path get its value, then the
    /// column formatters rewrite theirs. A formatter that cannot take its value throws <see cref="BadRecordException"/>.
    /// </summary>
    public RecordFields Complete(ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        for (var i = 0; i < _sameAs.Length; i++)
            if (_sameAs[i] >= 0) Values[i] = Values[_sameAs[i]];
        // After the copies: a raw column and a formatted column may share a path.
        if (_formatters is not null) ApplyFormatters(record, index, byteOffset);
        return new RecordFields(record, Scratch, Values, index, byteOffset);
    }

    /// <summary>
    /// reader is on the StartObject of the object that node describes; returns with it on the matching EndObject,
    /// or false when <paramref name="data"/> ends first (only when it is not the final block). Values' starts are
    /// relative to <paramref name="recordStart"/>.
    /// </summary>
    private bool Visit(ref Utf8JsonReader reader, ColumnPathTree.Node node, ReadOnlySpan<byte> data, int recordStart, long index, long byteOffset)
    {
        while (true)
        {
            if (!reader.Read()) return false;
            if (reader.TokenType != JsonTokenType.PropertyName) return true;
            ColumnPathTree.Node? match = null;
            foreach (var child in node.Children)
                if (reader.ValueTextEquals(child.Name)) { match = child; break; }
            if (!reader.Read()) return false;
            if (match is null)
            {
                if (!reader.TrySkip()) return false;
                continue;
            }
            // A repeated name replaces what the earlier one gave, below it too (the last one wins).
            foreach (var column in match.Subtree) Values[column] = default;
            var start = (int)reader.TokenStartIndex;
            var isContainer = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray;
            if (match.Column >= 0 && !isContainer)
                Values[match.Column] = Capture(ref reader, recordStart, index, byteOffset);
            if (match.Children.Count > 0 && reader.TokenType == JsonTokenType.StartObject)
            {
                if (!Visit(ref reader, match, data, recordStart, index, byteOffset)) return false;
            }
            else if (isContainer && !reader.TrySkip()) return false;
            if (match.Column >= 0 && isContainer)
                Values[match.Column] = CompactJson(data[start..(int)reader.BytesConsumed]);
        }
    }

    private FieldValue Capture(ref Utf8JsonReader reader, int recordStart, long index, long byteOffset)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return new FieldValue(FieldKind.Null, 0, 0, false);
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                return new FieldValue(FieldKind.Literal, (int)reader.TokenStartIndex - recordStart, reader.ValueSpan.Length, false);
        }
        // A string. Utf8JsonReader does not validate UTF-8 inside strings it is not asked to decode,
        // so the bytes are checked here: bad bytes must fail loudly, not end up in the CSV.
        var start = (int)reader.TokenStartIndex - recordStart + 1;
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
            // CopyString checks the UTF-8 itself (it throws InvalidOperationException for invalid bytes), so a
            // string it copies is not checked again (a second pass over every escaped string, e.g. each description).
            written = reader.CopyString(target);
        }
        catch (InvalidOperationException)
        {
            // CopyString rejects a lone surrogate escape (\uD800 not followed by a low surrogate). Data from web
            // APIs does contain them (text cut in the middle of an emoji); we replace each with U+FFFD like
            // every UTF-8 encoder does, instead of failing a whole nightly export over one character.
            // It rejects invalid UTF-8 the same way: that is told apart here.
            written = JsonStringUnescaper.Unescape(reader.ValueSpan, target);
            if (!Utf8.IsValid(target[..written])) throw InvalidUtf8(reader.ValueSpan, byteOffset + start, index);
        }
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
        return new BadInputException($"Invalid UTF-8 at byte offset {offset + valid} of the source, in record {index + 1}.");
    }
}
