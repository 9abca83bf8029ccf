using System.Text;
using S3ZipExport.Csv;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Csv;

public class CsvEncodingTests
{
    private const string Japanese = """{"t":"Tokyo.rb 勉強会 ｶﾀｶﾅ ①","u":"\u52c9\u5f37\u4f1a, \"quoted\""}""";
    private const string Expected = "t,u\r\nTokyo.rb 勉強会 ｶﾀｶﾅ ①,\"勉強会, \"\"quoted\"\"\"\r\n";

    private static readonly CsvFormat Utf8 = new() { Encoding = CsvEncoding.Utf8 };
    private static readonly CsvFormat Utf8Bom = new() { Encoding = CsvEncoding.Utf8Bom };
    private static readonly CsvFormat ShiftJis = new() { Encoding = CsvEncoding.ShiftJis };

    [Fact]
    public void UTF8_round_trips_without_a_BOM()
    {
        var (bytes, _) = CsvOutput.Write("t,u", Utf8, Japanese);
        Assert.False(bytes.AsSpan().StartsWith("\uFEFF"u8));
        Assert.Equal(Expected, Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void UTF8_BOM_starts_the_file_with_EF_BB_BF_once_and_round_trips()
    {
        var (bytes, writer) = CsvOutput.Write("t,u", Utf8Bom, Japanese, Japanese);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal(Expected + Expected.Split("\r\n")[1] + "\r\n", Encoding.UTF8.GetString(bytes.AsSpan(3)));
        Assert.Equal(bytes.Length, writer.BytesWritten);
    }

    [Fact]
    public void Shift_JIS_encodes_kanji_half_width_kana_and_NEC_specials_as_CP932_and_round_trips()
    {
        var (bytes, writer) = CsvOutput.Write("t,u", ShiftJis, Japanese);
        Assert.Equal(Expected, CsvOutput.ShiftJis.GetString(bytes));
        Assert.Equal(0, writer.UnencodableCharacters);
        Assert.False(bytes.AsSpan().StartsWith("\uFEFF"u8));
        var kanji = CsvOutput.ShiftJis.GetBytes("勉強会");
        Assert.Equal([0x95, 0xD7, 0x8B, 0xAD, 0x89, 0xEF], kanji);
        Assert.True(bytes.AsSpan().IndexOf(kanji) > 0);
        Assert.True(bytes.AsSpan().IndexOf(new byte[] { 0xB6, 0xC0, 0xB6, 0xC5 }) > 0, "half-width ｶﾀｶﾅ is one byte each");
    }

    [Fact]
    public void Shift_JIS_writes_a_character_outside_CP932_as_one_question_mark_and_counts_it()
    {
        var (bytes, writer) = CsvOutput.Write("t", ShiftJis, """{"t":"🎉 party 𠮷野家"}""", """{"t":"\ud83c\udf89"}""");
        Assert.Equal("t\r\n? party ?野家\r\n?\r\n", CsvOutput.ShiftJis.GetString(bytes));
        Assert.Equal(3, writer.UnencodableCharacters);
    }

    [Fact]
    public void Shift_JIS_maps_JIS_wave_dash_and_minus_to_their_CP932_look_alikes_instead_of_a_question_mark()
    {
        var (bytes, writer) = CsvOutput.Write("t", ShiftJis, """{"t":"19:00〜21:00 −5 ‖ — ¢£¬"}""");
        Assert.Equal("t\r\n19:00～21:00 －5 ∥ ― ￠￡￢\r\n", CsvOutput.ShiftJis.GetString(bytes));
        Assert.Equal(0, writer.UnencodableCharacters);
    }

    [Fact]
    public void Shift_JIS_field_longer_than_one_transcoding_chunk_round_trips()
    {
        // Odd lengths so that chunk boundaries fall inside surrogate pairs and multi-byte sequences.
        var text = string.Concat(Enumerable.Repeat("勉強会🎉a", ShiftJisTranscoder.ChunkChars / 3 + 7));
        var (bytes, writer) = CsvOutput.Write("t", ShiftJis, $$"""{"t":"{{text}}"}""");
        Assert.Equal($"t\r\n{text.Replace("🎉", "?")}\r\n", CsvOutput.ShiftJis.GetString(bytes));
        Assert.Equal(ShiftJisTranscoder.ChunkChars / 3 + 7, writer.UnencodableCharacters);
    }

    [Fact]
    public void Shift_JIS_strict_mode_fails_naming_the_record_and_the_column_and_the_character()
    {
        var format = ShiftJis with { StrictEncoding = true };
        var e = Assert.Throws<BadInputException>(() =>
            CsvOutput.Write("Title=t,Place=p", format, """{"t":"ok","p":"ok"}""", """{"t":"勉強会","p":"渋谷 🎉"}"""));
        Assert.Contains("Record 2", e.Message);
        Assert.Contains("column 'Place'", e.Message);
        Assert.Contains("U+1F389", e.Message);
        Assert.Contains("EXPORT_CSV_STRICT_ENCODING", e.Message);
    }

    [Fact]
    public void Shift_JIS_strict_mode_passes_text_CP932_can_encode()
    {
        var (bytes, writer) = CsvOutput.Write("t,u", ShiftJis with { StrictEncoding = true }, Japanese);
        Assert.Equal(Expected, CsvOutput.ShiftJis.GetString(bytes));
        Assert.Equal(0, writer.UnencodableCharacters);
    }

    [Fact]
    public void UTF8_never_counts_unencodable_characters() =>
        Assert.Equal(0, CsvOutput.Write("t", Utf8, """{"t":"🎉𠮷"}""").Writer.UnencodableCharacters);
}
