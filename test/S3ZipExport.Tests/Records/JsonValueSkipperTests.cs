using System.Text;
using System.Text.Json;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

/// <summary>
/// The hand-written skipper against Utf8JsonReader on random values, valid and edited, and on every prefix of each (the
/// buffered bytes may end anywhere): it must find the value's end where the reader does, need more bytes exactly when
/// the reader does, and reject exactly what the reader rejects, except nesting deeper than it handles.
/// </summary>
public class JsonValueSkipperTests
{
    public enum Verdict { Complete, NeedMore, Invalid }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Skipper_agrees_with_Utf8JsonReader_on_every_prefix_of_random_values(int seed)
    {
        var random = new RandomJson(seed);
        for (var n = 0; n < 1500; n++)
        {
            var value = Encoding.UTF8.GetBytes(random.Value(depth: 4) + random.Space() + ",");
            var edited = random.Edit(value);
            foreach (var json in new[] { value, edited })
                for (var length = 0; length <= json.Length; length++)
                    AssertAgrees(json[..length]);
        }
    }

    [Theory]
    [InlineData("\"a\\u0001b\",", Verdict.Complete)]
    [InlineData("\"a\u0001b\",", Verdict.Invalid)]
    [InlineData("\"a\\qb\",", Verdict.Invalid)]
    [InlineData("\"\\uD800\",", Verdict.Complete)]   // a lone surrogate: the reader tokenizes it, the extractor writes U+FFFD
    [InlineData("\"\\u12G4\",", Verdict.Invalid)]
    [InlineData("[1,]", Verdict.Invalid)]
    [InlineData("{\"a\" 1}", Verdict.Invalid)]
    [InlineData("{\"a\":1,}", Verdict.Invalid)]
    [InlineData("{\"a\":1]", Verdict.Invalid)]
    [InlineData("01,", Verdict.Invalid)]
    [InlineData("1.,", Verdict.Invalid)]
    [InlineData("-,", Verdict.Invalid)]
    [InlineData("1e,", Verdict.Invalid)]
    [InlineData("1x", Verdict.Invalid)]
    [InlineData("tru,", Verdict.Invalid)]
    [InlineData("nul", Verdict.NeedMore)]
    [InlineData("12", Verdict.NeedMore)]   // the next byte may be another digit
    [InlineData("[ 1 , { \"a\" : [ ] } ]", Verdict.Complete)]
    public void Malformed_values_are_rejected_as_the_reader_rejects_them(string json, Verdict expected)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(expected, Skipper(bytes).Verdict);
        AssertAgrees(bytes);
    }

    [Fact]
    public void Invalid_UTF8_in_a_skipped_string_is_not_checked_as_the_reader_does_not_check_it()
    {
        byte[] json = [(byte)'"', 0xFF, 0xC3, (byte)'"', (byte)','];
        Assert.Equal((Verdict.Complete, 4), Skipper(json));
        AssertAgrees(json);
    }

    [Theory]
    [InlineData(64, Verdict.Complete)]
    [InlineData(65, Verdict.Invalid)]   // deeper than the skipper goes: left to the reader, which reads it
    public void Nesting_beyond_64_levels_is_left_to_the_reader(int depth, Verdict expected) =>
        Assert.Equal(expected, Skipper(Encoding.UTF8.GetBytes(RandomJson.Nested(depth))).Verdict);

    private static void AssertAgrees(byte[] json)
    {
        var skipper = Skipper(json);
        var reader = Reader(json);
        if (skipper.Verdict == Verdict.Invalid && reader.Verdict != Verdict.Invalid)
            Assert.True(Depth(json) > JsonValueSkipper.MaxDepth, $"the skipper rejects, the reader does not: {Show(json)}");
        else
            Assert.True(skipper == reader, $"skipper {skipper}, reader {reader}: {Show(json)}");
    }

    /// <summary>The skipper where its callers call it: at the value's first byte, after any whitespace.</summary>
    private static (Verdict Verdict, int End) Skipper(byte[] json) => JsonValueSkipper.Skip(json, JsonSyntax.SkipWhitespace(json, 0)) switch
    {
        JsonSyntax.NeedMore => (Verdict.NeedMore, 0),
        JsonSyntax.Invalid => (Verdict.Invalid, 0),
        var end => (Verdict.Complete, end),
    };

    /// <summary>The reader on the bytes as a block that more may follow: the first value's end, or why there is none.</summary>
    private static (Verdict Verdict, int End) Reader(byte[] json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = RecordReader.MaxDepth }));
        try
        {
            return reader.Read() && reader.TrySkip() ? (Verdict.Complete, (int)reader.BytesConsumed) : (Verdict.NeedMore, 0);
        }
        catch (JsonException)
        {
            return (Verdict.Invalid, 0);
        }
    }

    private static int Depth(byte[] json) => json.Aggregate((Max: 0, Now: 0), (d, b) => b switch
    {
        (byte)'[' or (byte)'{' => (Math.Max(d.Max, d.Now + 1), d.Now + 1),
        (byte)']' or (byte)'}' => (d.Max, d.Now - 1),
        _ => d,
    }).Max;

    private static string Show(byte[] json) => $"{Encoding.UTF8.GetString(json)} ({Convert.ToHexString(json)})";
}
