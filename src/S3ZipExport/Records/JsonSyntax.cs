using System.Buffers;
using System.Runtime.CompilerServices;

namespace S3ZipExport.Records;

/// <summary>
/// The JSON grammar of single tokens (RFC 8259, as <see cref="System.Text.Json.Utf8JsonReader"/> reads it with its
/// default options) for the hand-written record scanner. Each method takes the position of a token's first byte and
/// returns the position after it, or <see cref="NeedMore"/> when the data ends while the bytes so far could still
/// begin a valid token, or <see cref="Invalid"/> as soon as they cannot. The scanner accepts only what
/// Utf8JsonReader accepts; it need not say why something is invalid, since the reader then reads that record again
/// and fails with its own message. Like the reader, it checks no UTF-8 here: the extractor validates the text it
/// exports.
/// </summary>
internal static class JsonSyntax
{
    public const int NeedMore = -1;
    public const int Invalid = -2;

    /// <summary>What ends a run of plain string content: the closing quote, an escape, or a control character (invalid unescaped).</summary>
    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>The first byte at or after <paramref name="i"/> that is not JSON whitespace (space, tab, CR, LF); the data's length if none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // called between any two tokens, and usually there is none
    public static int SkipWhitespace(ReadOnlySpan<byte> data, int i)
    {
        while ((uint)i < (uint)data.Length && data[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') i++;
        return i;
    }

    /// <summary>
    /// The position of the closing quote of the string whose content starts at <paramref name="i"/> (after the opening
    /// quote). <paramref name="escaped"/> says whether it holds any escape. Escapes are checked (<c>\" \\ \/ \b \f \n
    /// \r \t \uXXXX</c>); lone surrogates are not, as the reader does not check them either.
    /// </summary>
    public static int StringEnd(ReadOnlySpan<byte> data, int i, out bool escaped)
    {
        escaped = false;
        while (true)
        {
            i = PlainEnd(data, i);
            if (i < 0) return i;
            var b = data[i];
            if (b == '"') return i;
            if (b != '\\') return Invalid;   // a control character
            escaped = true;
            i = EscapeEnd(data, i);
            if (i < 0) return i;
        }
    }

    /// <summary>Where the plain string content from <paramref name="i"/> ends: at a quote, a backslash or a control character.</summary>
    public static int PlainEnd(ReadOnlySpan<byte> data, int i)
    {
        var run = (uint)i <= (uint)data.Length ? data[i..].IndexOfAny(StringSpecials) : -1;
        return run < 0 ? NeedMore : i + run;
    }

    /// <summary>The position after the escape sequence starting with the backslash at <paramref name="i"/>.</summary>
    public static int EscapeEnd(ReadOnlySpan<byte> data, int i)
    {
        if (i + 1 >= data.Length) return NeedMore;
        switch (data[i + 1])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                return i + 2;
            case (byte)'u':
                for (var k = i + 2; k < i + 6; k++)
                {
                    if (k >= data.Length) return NeedMore;
                    if (!char.IsAsciiHexDigit((char)data[k])) return Invalid;
                }
                return i + 6;
            default:
                return Invalid;
        }
    }

    /// <summary>
    /// The end of the number starting at <paramref name="i"/>: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>,
    /// followed by whitespace, a comma or a closing bracket (what the reader calls a delimiter; it also takes '/', which
    /// only starts a comment and is invalid without them).
    /// </summary>
    public static int NumberEnd(ReadOnlySpan<byte> data, int i)
    {
        if (i < data.Length && data[i] == '-') i++;
        if (i >= data.Length) return NeedMore;
        if (data[i] == '0') i++;
        else if (char.IsAsciiDigit((char)data[i])) i = DigitsEnd(data, i + 1);
        else return Invalid;
        if (i < data.Length && data[i] == '.')
        {
            i = AtLeastOneDigit(data, i + 1);
            if (i < 0) return i;
        }
        if (i < data.Length && data[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < data.Length && data[i] is (byte)'+' or (byte)'-') i++;
            i = AtLeastOneDigit(data, i);
            if (i < 0) return i;
        }
        if (i >= data.Length) return NeedMore;
        return data[i] is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' ? i : Invalid;
    }

    private static int AtLeastOneDigit(ReadOnlySpan<byte> data, int i)
    {
        if (i >= data.Length) return NeedMore;
        return char.IsAsciiDigit((char)data[i]) ? DigitsEnd(data, i + 1) : Invalid;
    }

    private static int DigitsEnd(ReadOnlySpan<byte> data, int i)
    {
        while (i < data.Length && char.IsAsciiDigit((char)data[i])) i++;
        return i;
    }

    /// <summary>The end of <c>true</c>, <c>false</c> or <c>null</c> at <paramref name="i"/>, whose first byte is t, f or n.</summary>
    public static int LiteralEnd(ReadOnlySpan<byte> data, int i)
    {
        var literal = data[i] switch
        {
            (byte)'t' => "true"u8,
            (byte)'f' => "false"u8,
            _ => "null"u8,
        };
        var available = data[i..];
        if (available.Length < literal.Length)
            return literal.StartsWith(available) ? NeedMore : Invalid;
        return available.StartsWith(literal) ? i + literal.Length : Invalid;
    }
}
