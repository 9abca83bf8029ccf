using System.Globalization;
using System.Text;

namespace S3ZipExport.Records;

/// <summary>
/// Unescapes a JSON string's raw bytes (escapes already checked), replacing lone surrogate escapes with U+FFFD, as
/// every UTF-8 encoder does; otherwise the same bytes as Utf8JsonReader.CopyString, which refuses such strings. The
/// text between escapes is found with a vectorized search and copied in runs.
/// </summary>
internal static class JsonStringUnescaper
{
    /// <summary>Unescapes <paramref name="raw"/> into <paramref name="target"/> (at least as long: unescaping never lengthens); returns the bytes written.</summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> target)
    {
        var written = 0;
        while (true)
        {
            var run = raw.IndexOf((byte)'\\');
            if (run < 0)
            {
                raw.CopyTo(target[written..]);
                return written + raw.Length;
            }
            raw[..run].CopyTo(target[written..]);
            written += run;
            raw = raw[run..];
            var escape = raw[1];
            if (escape != 'u')
            {
                target[written++] = Unescaped(escape);
                raw = raw[2..];
                continue;
            }
            var unit = ParseHex(raw.Slice(2, 4));
            raw = raw[6..];
            var rune = Rune.ReplacementChar;
            if (!char.IsSurrogate((char)unit))
                rune = new Rune(unit);
            else if (char.IsHighSurrogate((char)unit) && raw.Length >= 6 && raw[0] == '\\' && raw[1] == 'u')
            {
                var low = ParseHex(raw.Slice(2, 4));
                if (char.IsLowSurrogate((char)low))
                {
                    rune = new Rune((char)unit, (char)low);
                    raw = raw[6..];
                }
            }
            written += rune.EncodeToUtf8(target[written..]);
        }
    }

    /// <summary>What a two-byte escape (a backslash and <paramref name="escape"/>, not u) stands for.</summary>
    public static byte Unescaped(byte escape) => escape switch
    {
        (byte)'b' => (byte)'\b', (byte)'f' => (byte)'\f', (byte)'n' => (byte)'\n',
        (byte)'r' => (byte)'\r', (byte)'t' => (byte)'\t', _ => escape, // \" \\ \/
    };

    private static int ParseHex(ReadOnlySpan<byte> hex) =>
        ushort.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
