using System.Globalization;
using System.Text;
using System.Text.Json;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

/// <summary>
/// The unescaper against Utf8JsonReader.CopyString where that takes the string, and against a reference that decodes
/// to UTF-16 and encodes with .NET's UTF-8 encoder (which writes U+FFFD for each lone surrogate) everywhere.
/// </summary>
public class JsonStringUnescaperTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Unescapes_random_strings_as_CopyString_and_the_reference_do(int seed)
    {
        var random = new RandomJson(seed);
        for (var n = 0; n < 3000; n++)
        {
            var json = Encoding.UTF8.GetBytes(random.String()[..^1] + random.String()[1..]);   // two strings' pieces, one string
            var raw = json[1..^1];
            var target = new byte[raw.Length];
            var unescaped = target[..JsonStringUnescaper.Unescape(raw, target)];
            Assert.Equal(Convert.ToHexString(Reference(raw)), Convert.ToHexString(unescaped));

            var reader = new Utf8JsonReader(json);
            reader.Read();
            var copy = new byte[raw.Length];
            try { Assert.Equal(Convert.ToHexString(copy, 0, reader.CopyString(copy)), Convert.ToHexString(unescaped)); }
            catch (InvalidOperationException)
            {
                Assert.True(unescaped.AsSpan().IndexOf("\uFFFD"u8) >= 0, "CopyString refuses only a string with a lone surrogate");
            }
        }
    }

    [Theory]
    [InlineData(@"a\ud83c\udf89b", "a🎉b")]
    [InlineData(@"\ud83c", "\uFFFD")]
    [InlineData(@"\ud83c\ud83c\udf89", "\uFFFD🎉")]
    [InlineData(@"\udf89\ud83c", "\uFFFD\uFFFD")]
    [InlineData(@"\ud83cx", "\uFFFDx")]
    [InlineData(@"\ud83c\n", "\uFFFD\n")]
    [InlineData(@"\u0000\/\""\\\b\f\n\r\t", "\0/\"\\\b\f\n\r\t")]
    public void Escapes_and_lone_surrogates(string raw, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(raw);
        var target = new byte[bytes.Length];
        Assert.Equal(expected, Encoding.UTF8.GetString(target, 0, JsonStringUnescaper.Unescape(bytes, target)));
    }

    /// <summary>Escapes decoded to UTF-16 code units one by one, then encoded: a lone surrogate becomes U+FFFD.</summary>
    private static byte[] Reference(byte[] raw)
    {
        var text = new StringBuilder();
        var i = 0;
        while (i < raw.Length)
        {
            var run = Array.IndexOf(raw, (byte)'\\', i);
            if (run < 0) run = raw.Length;
            text.Append(Encoding.UTF8.GetString(raw, i, run - i));
            if (run == raw.Length) break;
            var escape = (char)raw[run + 1];
            if (escape == 'u')
            {
                text.Append((char)int.Parse(Encoding.ASCII.GetString(raw, run + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i = run + 6;
                continue;
            }
            text.Append(escape switch { 'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t', _ => escape });
            i = run + 2;
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
