using static S3ZipExport.Records.JsonSyntax;

namespace S3ZipExport.Records;

/// <summary>
/// The extractor's fast path: the same single pass as <see cref="TryRead"/>, over the bytes without Utf8JsonReader
/// (<see cref="JsonSyntax"/>, <see cref="JsonValueSkipper"/>). It handles the records real APIs send and leaves
/// everything else to <see cref="TryRead"/>, which is the reference: whatever this accepts, TryRead accepts with the
/// same values, and whatever it cannot vouch for (invalid JSON, invalid UTF-8 in an exported string, an escaped
/// property name, deeper nesting than <see cref="JsonValueSkipper.MaxDepth"/>) it returns as
/// <see cref="JsonSyntax.Invalid"/> for the caller to read the record again with TryRead, which fails with the
/// reader's message and position or reads what this would not.
/// </summary>
internal sealed partial class RecordFieldExtractor
{
    /// <summary>How deep below a record's own object the scan may nest: the column paths, then a skipped value.</summary>
    public int ScanDepth => _tree.Depth + JsonValueSkipper.MaxDepth;

    /// <summary>
    /// Scans the object record whose '{' is at <paramref name="recordStart"/> in <paramref name="data"/>, finding every
    /// column's value. Returns the position after its '}', or <see cref="JsonSyntax.NeedMore"/> when the data ends
    /// inside it, or <see cref="JsonSyntax.Invalid"/> (read it with <see cref="TryRead"/>). Values' starts are
    /// relative to <paramref name="recordStart"/>, as TryRead gives them.
    /// </summary>
    public int TryScan(ReadOnlySpan<byte> data, int recordStart)
    {
        Array.Clear(Values);
        _scratchUsed = 0;
        return ScanObject(data, recordStart, _tree.Root, recordStart);
    }

    /// <summary>Like <see cref="Visit"/>: from an object's '{' to after its '}'; a repeated name's last value wins.</summary>
    private int ScanObject(ReadOnlySpan<byte> data, int i, ColumnPathTree.Node node, int recordStart)
    {
        i = SkipWhitespace(data, i + 1);
        if (i >= data.Length) return NeedMore;
        if (data[i] == '}') return i + 1;
        while (true)
        {
            if (data[i] != '"') return Invalid;
            var nameEnd = StringEnd(data, i + 1, out var escaped);
            if (nameEnd < 0) return nameEnd;
            // The reader compares an escaped name unescaped; such a rare record is left to it.
            if (escaped) return Invalid;
            var match = node.Find(data[(i + 1)..nameEnd]);
            i = SkipWhitespace(data, nameEnd + 1);
            if (i >= data.Length) return NeedMore;
            if (data[i] != ':') return Invalid;
            i = SkipWhitespace(data, i + 1);
            if (i >= data.Length) return NeedMore;
            i = match is null ? JsonValueSkipper.Skip(data, i) : ScanProperty(data, i, match, recordStart);
            if (i < 0) return i;
            i = SkipWhitespace(data, i);
            if (i >= data.Length) return NeedMore;
            if (data[i] == '}') return i + 1;
            if (data[i] != ',') return Invalid;
            i = SkipWhitespace(data, i + 1);
            if (i >= data.Length) return NeedMore;
        }
    }

    /// <summary>The value of a property on a column's path, at <paramref name="i"/>: captured, descended into, or skipped.</summary>
    private int ScanProperty(ReadOnlySpan<byte> data, int i, ColumnPathTree.Node match, int recordStart)
    {
        foreach (var column in match.Subtree) Values[column] = default;
        var start = i;
        switch (data[i])
        {
            case (byte)'{' or (byte)'[':
                i = match.Children.Count > 0 && data[i] == '{' ? ScanObject(data, i, match, recordStart) : JsonValueSkipper.Skip(data, i);
                if (i >= 0 && match.Column >= 0) Values[match.Column] = CompactJson(data[start..i]);
                return i;
            case (byte)'"' when match.Column >= 0:
                return ScanText(data, i, match.Column, recordStart);
            case (byte)'t' or (byte)'f' or (byte)'n' when match.Column >= 0:
                i = LiteralEnd(data, i);
                if (i >= 0)
                    Values[match.Column] = data[start] == 'n'
                        ? new FieldValue(FieldKind.Null, 0, 0, false)
                        : new FieldValue(FieldKind.Literal, start - recordStart, i - start, false);
                return i;
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9') when match.Column >= 0:
                i = NumberEnd(data, i);
                if (i >= 0) Values[match.Column] = new FieldValue(FieldKind.Literal, start - recordStart, i - start, false);
                return i;
            default:
                return JsonValueSkipper.Skip(data, i);   // a value on the way to deeper columns only, or not JSON
        }
    }

    /// <summary>
    /// A string column, as <see cref="Capture"/> takes it: the raw bytes when there is no escape, else unescaped into
    /// scratch run by run as its end is found, so the text is read once. Unescaping never lengthens, so scratch grows
    /// by at most the raw string, as with TryRead.
    /// </summary>
    private int ScanText(ReadOnlySpan<byte> data, int i, int column, int recordStart)
    {
        var from = i + 1;   // where the plain run being read starts
        var at = PlainEnd(data, from);
        if (at < 0) return at;
        if (data[at] == '"')
        {
            // Invalid UTF-8 fails the export: TryRead names the first bad byte.
            if (!Utf8Validator.IsValid(data[from..at])) return Invalid;
            Values[column] = new FieldValue(FieldKind.Text, from - recordStart, at - from, false);
            return at + 1;
        }
        var written = 0;
        while (data[at] != '"')
        {
            if (data[at] != '\\') return Invalid;   // a control character
            var escapes = at;
            // Adjacent escapes go to the unescaper together: a surrogate pair is two of them.
            while (at < data.Length && data[at] == '\\')
            {
                at = EscapeEnd(data, at);
                if (at < 0) return at;
            }
            var run = escapes - from;
            var target = Reserve(written + at - from)[written..];
            data[from..escapes].CopyTo(target);
            if (at - escapes == 2 && data[escapes + 1] != 'u')
            {
                // One short escape (\n, \"), the usual case: written here, without a call through the unescaper.
                target[run] = JsonStringUnescaper.Unescaped(data[escapes + 1]);
                written += run + 1;
            }
            else written += run + JsonStringUnescaper.Unescape(data[escapes..at], target[run..]);
            from = at;
            at = PlainEnd(data, from);
            if (at < 0) return at;
        }
        data[from..at].CopyTo(Reserve(written + at - from)[written..]);
        written += at - from;
        // Escapes are ASCII and decode to whole characters, so the text is valid exactly when the raw bytes are.
        if (!Utf8Validator.IsValid(_scratch.AsSpan(_scratchUsed, written))) return Invalid;
        Values[column] = new FieldValue(FieldKind.Text, _scratchUsed, written, true);
        _scratchUsed += written;
        return at + 1;
    }
}
