using System.Text.Unicode;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

/// <summary>The vectorized UTF-8 check says what <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/> says, whatever the bytes and wherever they fall in its 16-byte blocks.</summary>
public class Utf8ValidatorTests
{
    // Valid characters of every length and the bytes around every boundary the check tells apart.
    private static readonly byte[][] Pieces =
    [
        [(byte)'a'], [0x7F], [0x00], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xE3, 0x81, 0x82], [0xED, 0x9F, 0xBF],
        [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF3, 0xBF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF],
        [0x80], [0xBF], [0xC0], [0xC1], [0xC2], [0xDF], [0xE0], [0xE0, 0x80], [0xE0, 0x9F], [0xED], [0xED, 0xA0], [0xEF],
        [0xF0], [0xF0, 0x8F], [0xF4], [0xF4, 0x90], [0xF5], [0xF8], [0xFF], [0x90], [0xA0],
    ];

    [Fact]
    public void Every_pair_and_most_triples_of_bytes_anywhere_in_a_block()
    {
        byte[] interesting = [0x00, (byte)'x', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF];
        var buffer = new byte[40];
        foreach (var at in new[] { 0, 13, 14, 15, 16, 17, 29, 30, 31, 37 })
            for (var a = 0; a < 256; a++)
                for (var b = 0; b < 256; b++)
                {
                    Array.Fill(buffer, (byte)'x');
                    buffer[at] = (byte)a;
                    if (at + 1 < buffer.Length) buffer[at + 1] = (byte)b;
                    AssertSame(buffer);
                    if (b >= 0x80 && at + 2 < buffer.Length)
                        foreach (var c in interesting)
                        {
                            buffer[at + 2] = c;
                            AssertSame(buffer);
                        }
                }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_text_of_every_length(int seed)
    {
        var random = new Random(seed);
        for (var n = 0; n < 20_000; n++)
        {
            var bytes = new List<byte>();
            var valid = random.Next(3) > 0;
            for (var count = random.Next(40); count > 0; count--)
            {
                var piece = Pieces[random.Next(valid ? 13 : Pieces.Length)];
                bytes.AddRange(piece);
            }
            var text = bytes.ToArray();
            for (var length = 0; length <= text.Length; length += 1 + random.Next(4))
                AssertSame(text[..length]);
            AssertSame(text);
        }
    }

    private static void AssertSame(byte[] text)
    {
        if (Utf8Validator.IsValid(text) != Utf8.IsValid(text))
            Assert.Fail($"{Convert.ToHexString(text)}: Utf8.IsValid says {Utf8.IsValid(text)}");
    }
}
