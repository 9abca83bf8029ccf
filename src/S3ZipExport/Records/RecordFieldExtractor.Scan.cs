using System.Text.Unicode;
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

    /// <summary>A string column, as <see cref="Capture"/> takes it: the raw bytes when unescaped, else unescaped into scratch.</summary>
    private int ScanText(ReadOnlySpan<byte> data, int i, int column, int recordStart)
    {
        var end = StringEnd(data, i + 1, out var escaped);
        if (end < 0) return end;
        var raw = data[(i + 1)..end];
        // Invalid UTF-8 fails the export: TryRead names the first bad byte.
        if (!escaped)
        {
            if (!Utf8.IsValid(raw)) return Invalid;
            Values[column] = new FieldValue(FieldKind.Text, i + 1 - recordStart, raw.Length, false);
            return end + 1;
        }
        var target = Reserve(raw.Length);
        var written = JsonStringUnescaper.Unescape(raw, target);
        // Escapes are ASCII and decode to whole characters, so the text is valid exactly when the raw bytes are.
        if (!Utf8.IsValid(target[..written])) return Invalid;
        Values[column] = new FieldValue(FieldKind.Text, _scratchUsed, written, true);
        _scratchUsed += written;
        return end + 1;
    }
}
