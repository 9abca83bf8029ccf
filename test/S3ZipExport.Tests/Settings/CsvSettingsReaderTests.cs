using System.Text;
using S3ZipExport.Csv;
using S3ZipExport.Export;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Settings;

public class CsvSettingsReaderTests
{
    private static ExportPlan Read(params (string Name, string? Value)[] changes)
    {
        var env = new Dictionary<string, string?>
        {
            ["EXPORT_SOURCE_URL"] = "https://connpass.com/api/v2/events/?ym=202611",
            ["EXPORT_BUCKET"] = "my-exports",
        };
        foreach (var (name, value) in changes) env[name] = value;
        return SettingsReader.Read(env, InvocationEvent.Parse("""{"detail-type":"Scheduled Event","time":"2026-11-24T18:00:00Z","id":"a"}"""u8.ToArray(), TimeProvider.System));
    }

    [Fact]
    public void CSV_defaults_are_RFC_4180_UTF8_without_BOM_with_a_header_and_no_guard() =>
        Assert.Equal(CsvFormat.Default, Read().Csv);

    [Fact]
    public void Every_CSV_setting_is_read()
    {
        var csv = Read(("EXPORT_CSV_ENCODING", "Shift_JIS"), ("EXPORT_CSV_STRICT_ENCODING", "true"), ("EXPORT_CSV_DELIMITER", ";"),
            ("EXPORT_CSV_NEWLINE", "LF"), ("EXPORT_CSV_HEADER", "false"), ("EXPORT_CSV_FORMULA_GUARD", "true")).Csv;
        Assert.Equal(new CsvFormat
        {
            Encoding = CsvEncoding.ShiftJis,
            StrictEncoding = true,
            Delimiter = (byte)';',
            Newline = CsvNewline.Lf,
            Header = false,
            FormulaGuard = true,
        }, csv);
    }

    [Theory]
    [InlineData("utf-8", nameof(CsvEncoding.Utf8))]
    [InlineData("utf-8-bom", nameof(CsvEncoding.Utf8Bom))]
    [InlineData("shift_jis", nameof(CsvEncoding.ShiftJis))]
    public void Encoding_names_are_read(string text, string expected) =>
        Assert.Equal(expected, Read(("EXPORT_CSV_ENCODING", text)).Csv.Encoding.ToString());

    [Theory]
    [InlineData("\t", '\t')]
    [InlineData(@"\t", '\t')]
    [InlineData("tab", '\t')]
    [InlineData("TAB", '\t')]
    [InlineData("|", '|')]
    [InlineData(" ", ' ')]
    [InlineData("", ',')]
    public void Delimiter_is_one_ASCII_character_or_tab(string text, char expected) =>
        Assert.Equal((byte)expected, Read(("EXPORT_CSV_DELIMITER", text)).Csv.Delimiter);

    [Fact]
    public void Manual_payload_can_set_a_tab_delimiter() =>
        Assert.Equal((byte)'\t', SettingsReader.Read(
            new Dictionary<string, string?> { ["EXPORT_SOURCE_URL"] = "https://x.example/", ["EXPORT_BUCKET"] = "b" },
            InvocationEvent.Parse(Encoding.UTF8.GetBytes("""{"EXPORT_CSV_DELIMITER":"\t"}"""), TimeProvider.System)).Csv.Delimiter);

    [Theory]
    [InlineData("EXPORT_CSV_ENCODING", "utf-16", "must be one of utf-8, utf-8-bom (for Excel), shift_jis")]
    [InlineData("EXPORT_CSV_ENCODING", "cp1252", "must be one of utf-8")]
    [InlineData("EXPORT_CSV_STRICT_ENCODING", "yes", "must be true or false")]
    [InlineData("EXPORT_CSV_DELIMITER", "\"", "one ASCII character other than '\"', CR and LF")]
    [InlineData("EXPORT_CSV_DELIMITER", "\n", "one ASCII character")]
    [InlineData("EXPORT_CSV_DELIMITER", "\r", "one ASCII character")]
    [InlineData("EXPORT_CSV_DELIMITER", ";;", "one ASCII character")]
    [InlineData("EXPORT_CSV_DELIMITER", "、", "one ASCII character")]
    [InlineData("EXPORT_CSV_NEWLINE", "cr", "must be crlf or lf")]
    [InlineData("EXPORT_CSV_HEADER", "no", "must be true or false")]
    [InlineData("EXPORT_CSV_FORMULA_GUARD", "1", "must be true or false")]
    [InlineData("EXPORT_COLUMNS", "Start=started_at|date:yyyy", "column 'Start' has unknown formatter 'date'")]
    [InlineData("EXPORT_COLUMNS", "Start=started_at|datetime:%", "not a valid .NET date format")]
    [InlineData("EXPORT_COLUMNS", "Tags=tags|join:", "column 'Tags' needs a separator")]
    public void Invalid_CSV_setting_is_named_with_what_is_wrong(string name, string value, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => Read((name, value)));
        Assert.Contains($"{name}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Header_that_Shift_JIS_cannot_encode_is_refused_at_start()
    {
        var e = Assert.Throws<SettingsException>(() => Read(("EXPORT_CSV_ENCODING", "shift_jis"), ("EXPORT_COLUMNS", "🎉=title,〜=url")));
        Assert.Contains("EXPORT_COLUMNS: header '🎉' has U+1F389", e.Message);
        Assert.DoesNotContain("'〜'", e.Message);   // the wave dash maps to CP932's ～
    }

    [Fact]
    public void CSV_settings_are_known_to_the_manual_payload() =>
        Assert.Equal(CsvEncoding.Utf8Bom, SettingsReader.Read(
            new Dictionary<string, string?> { ["EXPORT_SOURCE_URL"] = "https://x.example/", ["EXPORT_BUCKET"] = "b" },
            InvocationEvent.Parse("""{"EXPORT_CSV_ENCODING":"utf-8-bom"}"""u8.ToArray(), TimeProvider.System)).Csv.Encoding);
}
