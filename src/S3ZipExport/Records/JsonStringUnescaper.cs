using System.Globalization;
using System.Text;

namespace S3ZipExport.Records;

/// <summary>
/// Unescapes a JSON string's raw bytes, replacing lone surrogate escapes with U+FFFD. Only used when
/// <see cref="System.Text.Json.Utf8JsonReader.CopyString(Span{byte})"/> refuses the string for that reason.
/// </summary>
internal static class JsonStringUnescaper
{
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> target)
    {
        var written = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                target[written++] = raw[i];
                continue;
            }
            var escape = raw[++i];
            if (escape != 'u')
            {
                target[written++] = escape switch
                {
                    (byte)'b' => (byte)'\b',
                    (byte)'f' => (byte)'\f',
                    (byte)'n' => (byte)'\n',
                    (byte)'r' => (byte)'\r',
                    (byte)'t' => (byte)'\t',
                    _ => escape, // \" \\ \/
                };
                continue;
            }
            var unit = ParseHex(raw.Slice(i + 1, 4));
            i += 4;
            var rune = Rune.ReplacementChar;
            if (!char.IsSurrogate((char)unit))
                rune = new Rune(unit);
            else if (char.IsHighSurrogate((char)unit) && i + 6 < raw.Length && raw[i + 1] == '\\' && raw[i + 2] == 'u')
            {
                var low = ParseHex(raw.Slice(i + 3, 4));
                if (char.IsLowSurrogate((char)low))
                {
                    rune = new Rune((char)unit, (char)low);
                    i += 6;
                }
            }
            written += rune.EncodeToUtf8(target[written..]);
        }
        return written;
    }

    private static int ParseHex(ReadOnlySpan<byte> hex) =>
        int.Parse(Encoding.ASCII.GetString(hex), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
