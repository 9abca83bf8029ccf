using static S3ZipExport.Records.JsonSyntax;

namespace S3ZipExport.Records;

/// <summary>
/// Skips one JSON value the export does not need, checking it as fully as Utf8JsonReader does (the same
/// <see cref="JsonSyntax"/> token rules, commas, colons, matching brackets) so that a malformed value still fails the
/// export. Written by hand because Utf8JsonReader.TrySkip tokenizes the value byte by byte once a string holds an
/// escape (an HTML description is most of a record's bytes); this jumps over string content with a vectorized search.
/// </summary>
internal static class JsonValueSkipper
{
    /// <summary>
    /// The deepest nesting inside a skipped value (one bit per level in a ulong); deeper values are left to the reader
    /// (<see cref="JsonSyntax.Invalid"/>), which allows up to <see cref="RecordReader.MaxDepth"/>.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>The position after the value starting at <paramref name="i"/>; or <see cref="JsonSyntax.NeedMore"/> or <see cref="JsonSyntax.Invalid"/>.</summary>
    public static int Skip(ReadOnlySpan<byte> data, int i)
    {
        ulong objects = 0;   // bit d: the container at depth d + 1 is an object
        var depth = 0;
        while (true)
        {
            // i is where a value starts.
            if (i >= data.Length) return NeedMore;
            switch (data[i])
            {
                case (byte)'"':
                    i = StringEnd(data, i + 1, out _);
                    if (i < 0) return i;
                    i++;
                    break;
                case (byte)'{' or (byte)'[':
                    if (depth == MaxDepth) return Invalid;
                    var isObject = data[i] == '{';
                    i = SkipWhitespace(data, i + 1);
                    if (i >= data.Length) return NeedMore;
                    if (data[i] == (isObject ? '}' : ']'))
                    {
                        i++;   // empty: a complete value
                        break;
                    }
                    objects = isObject ? objects | (1UL << depth) : objects & ~(1UL << depth);
                    depth++;
                    if (isObject && (i = PropertyValue(data, i)) < 0) return i;
                    continue;
                case (byte)'t' or (byte)'f' or (byte)'n':
                    i = LiteralEnd(data, i);
                    if (i < 0) return i;
                    break;
                default:
                    i = NumberEnd(data, i);   // also rejects any byte that starts no value
                    if (i < 0) return i;
                    break;
            }

            // After a complete value: close what it completes, or go on to the next element or property.
            while (true)
            {
                if (depth == 0) return i;
                i = SkipWhitespace(data, i);
                if (i >= data.Length) return NeedMore;
                var inObject = ((objects >> (depth - 1)) & 1) != 0;
                if (data[i] == ',')
                {
                    i = SkipWhitespace(data, i + 1);
                    if (inObject && (i = PropertyValue(data, i)) < 0) return i;
                    break;
                }
                if (data[i] != (inObject ? '}' : ']')) return Invalid;
                depth--;
                i++;
            }
        }
    }

    /// <summary>From a property name's opening quote: the position of its value (after the colon and whitespace).</summary>
    public static int PropertyValue(ReadOnlySpan<byte> data, int i)
    {
        if (i >= data.Length) return NeedMore;
        if (data[i] != '"') return Invalid;
        i = StringEnd(data, i + 1, out _);
        if (i < 0) return i;
        i = SkipWhitespace(data, i + 1);
        if (i >= data.Length) return NeedMore;
        if (data[i] != ':') return Invalid;
        return SkipWhitespace(data, i + 1);
    }
}
