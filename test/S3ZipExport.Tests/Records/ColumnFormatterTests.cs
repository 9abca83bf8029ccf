using S3ZipExport.Csv;
using S3ZipExport.Records;
using S3ZipExport.Tests.Csv;

namespace S3ZipExport.Tests.Records;

public class ColumnFormatterTests
{
    private static string Write(string columns, params string[] records) => CsvOutput.Text(columns, CsvFormat.Default, records);

    [Theory]
    [InlineData("2026-12-01T19:00:00+09:00", "2026/12/01 19:00")]
    [InlineData("2026-12-01T19:00:00Z", "2026/12/01 19:00")]
    [InlineData("2026-12-01T19:00:00", "2026/12/01 19:00")]
    [InlineData("2026-12-01T19:00:00.123-05:00", "2026/12/01 19:00")]
    [InlineData("2026-12-01T23:30+0900", "2026/12/01 23:30")]
    [InlineData("2026-12-01 08:05:00+09:00", "2026/12/01 08:05")]
    [InlineData("2026-12-01", "2026/12/01 00:00")]
    public void Datetime_formats_an_ISO_8601_value_in_the_clock_time_of_its_own_offset(string value, string expected) =>
        Assert.Equal($"Start\r\n{expected}\r\n", Write("Start=started_at|datetime:yyyy/MM/dd HH:mm", $$"""{"started_at":"{{value}}"}"""));

    [Fact]
    public void Datetime_format_may_hold_the_offset_and_literal_text() =>
        Assert.Equal("s\r\n2026年12月01日 19:00 (+09:00)\r\n",
            Write("s=started_at|datetime:yyyy'年'MM'月'dd'日' HH:mm (zzz)", """{"started_at":"2026-12-01T19:00:00+09:00"}"""));

    [Fact]
    public void Datetime_keeps_null_missing_and_empty_values_empty() =>
        Assert.Equal("e\r\n\r\n\r\n\r\n",
            Write("e=ended_at|datetime:yyyy", """{"ended_at":null}""", """{}""", """{"ended_at":""}"""));

    [Fact]
    public void Raw_and_formatted_copies_of_the_same_path_sit_side_by_side() =>
        Assert.Equal("started_at,Day\r\n2026-12-01T19:00:00+09:00,12/01\r\n",
            Write("started_at,Day=started_at|datetime:MM/dd", """{"started_at":"2026-12-01T19:00:00+09:00"}"""));

    [Theory]
    [InlineData("\"next Tuesday\"", "'next Tuesday'")]
    [InlineData("\"12/01/2026\"", "'12/01/2026'")]
    [InlineData("20261201", "the JSON value 20261201")]
    [InlineData("{\"at\":1}", "the JSON object")]
    public void Datetime_of_a_value_that_is_not_a_date_time_fails_naming_the_record_and_the_column(string json, string described)
    {
        var e = Assert.Throws<BadRecordException>(() => Write("Start=started_at|datetime:yyyy",
            """{"started_at":"2026-12-01T19:00:00+09:00"}""", $$"""{"started_at":{{json}}}"""));
        Assert.Contains("Record 2", e.Message);
        Assert.Contains("column 'Start'", e.Message);
        Assert.Contains("EXPORT_COLUMNS", e.Message);
        Assert.Contains(described, e.Message);
    }

    [Fact]
    public void Join_writes_an_array_of_strings_numbers_and_booleans_with_the_separator() =>
        Assert.Equal("Tags\r\nruby;勉強会;3;true;\r\n", Write("Tags=tags|join:;", """{"tags":["ruby", "\u52c9\u5f37\u4f1a", 3, true, null]}"""));

    [Fact]
    public void Join_output_is_quoted_like_any_field() =>
        Assert.Equal("Tags\r\n\"a \"\"b\"\" / c\"\r\n", Write("Tags=tags|join: / ", """{"tags":["a \"b\"","c"]}"""));

    [Fact]
    public void Join_with_an_escaped_comma_separator_writes_a_quoted_comma_list() =>
        Assert.Equal("Tags,id\r\n\"ruby, rails\",7\r\n", Write(@"Tags=tags|join:\, ,id", """{"tags":["ruby","rails"],"id":7}"""));

    [Fact]
    public void Join_of_an_empty_array_is_an_empty_field_and_of_a_single_value_is_that_value() =>
        Assert.Equal("t\r\n\r\nruby\r\n5\r\n\r\n",
            Write("t=tags|join:;", """{"tags":[]}""", """{"tags":"ruby"}""", """{"tags":5}""", """{"tags":null}"""));

    [Fact]
    public void Join_keeps_lone_surrogate_escapes_as_the_replacement_character() =>
        Assert.Equal("t\r\na\uFFFD;b\r\n", Write("t=tags|join:;", """{"tags":["a\ud83c","b"]}"""));

    [Theory]
    [InlineData("""[{"name":"ruby"}]""", "the array holds an object")]
    [InlineData("""[["ruby"]]""", "the array holds an array")]
    [InlineData("""{"name":"ruby"}""", "is an object, not an array")]
    public void Join_of_something_other_than_a_flat_array_fails_naming_the_record_and_the_column(string json, string expected)
    {
        var e = Assert.Throws<BadRecordException>(() => Write("Tags=tags|join:;", """{"tags":[]}""", """{"tags":[]}""", $$"""{"tags":{{json}}}"""));
        Assert.Contains("Record 3", e.Message);
        Assert.Contains("column 'Tags'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Formatted_values_are_text_so_the_formula_guard_applies_to_them() =>
        Assert.Equal("t\r\n'-a;b\r\n", CsvOutput.Text("t=tags|join:;", new CsvFormat { FormulaGuard = true }, """{"tags":["-a","b"]}"""));

    [Fact]
    public void Column_list_parses_formatters_and_escaped_commas()
    {
        var errors = new List<string>();
        var columns = S3ZipExport.Settings.ColumnListParser.Parse(@"title, Start=started_at|datetime:yyyy/MM/dd HH:mm,tags|join:\,,A\,B=x", errors);
        Assert.Empty(errors);
        Assert.Equal(["title", "Start", "tags", "A,B"], columns.Select(c => c.Header));
        Assert.Null(columns[0].Formatter);
        Assert.Equal(new ColumnFormatter.DateTimeFormat("yyyy/MM/dd HH:mm"), columns[1].Formatter);
        Assert.Equal(new ColumnFormatter.Join(","), columns[2].Formatter);
        Assert.Equal(["started_at"], columns[1].Path);
    }

    [Theory]
    [InlineData("Start=started_at|date:yyyy", "column 'Start' has unknown formatter 'date'")]
    [InlineData("Start=started_at|datetime:", "column 'Start' needs a format after 'datetime:'")]
    [InlineData("Start=started_at|datetime", "column 'Start' needs a format")]
    [InlineData("Start=started_at|datetime:%", "column 'Start' has 'datetime:%', which is not a valid .NET date format")]
    [InlineData("Tags=tags|join:", "column 'Tags' needs a separator")]
    [InlineData("Tags=tags|join:,x", "column 'Tags' needs a separator after 'join:', e.g. 'join:;' or 'join:\\,'")]
    [InlineData("|join:;", "must be 'json.path' or 'Header=json.path'")]
    public void Bad_formatter_is_refused_naming_EXPORT_COLUMNS_and_the_column(string columns, string expected)
    {
        var errors = new List<string>();
        S3ZipExport.Settings.ColumnListParser.Parse(columns, errors);
        var error = Assert.Single(errors);
        Assert.StartsWith("EXPORT_COLUMNS: ", error);
        Assert.Contains(expected, error);
    }
}
