using System.Text;
using S3ZipExport.Csv;

namespace S3ZipExport.Tests.Csv;

public class CsvRowWriterTests
{
    private static string Write(string columns, params string[] records) =>
        Encoding.UTF8.GetString(CsvOutput.Write(columns, CsvFormat.Default, records).Bytes);

    [Fact]
    public void Header_row_comes_first_and_rows_end_with_CRLF() =>
        Assert.Equal("a,b\r\n1,2\r\n", Write("a,b", """{"a":1,"b":2}"""));

    [Fact]
    public void Field_with_quote_is_quoted_and_quotes_doubled() =>
        Assert.Equal("t\r\n\"say \"\"hi\"\"\"\r\n", Write("t", """{"t":"say \"hi\""}"""));

    [Theory]
    [InlineData("""{"t":"a,b"}""", "\"a,b\"")]
    [InlineData("""{"t":"line1\nline2"}""", "\"line1\nline2\"")]
    [InlineData("""{"t":"cr\rhere"}""", "\"cr\rhere\"")]
    [InlineData("""{"t":"plain text"}""", "plain text")]
    public void Field_with_comma_CR_or_LF_is_quoted(string record, string field) =>
        Assert.Equal($"t\r\n{field}\r\n", Write("t", record));

    [Fact]
    public void Japanese_and_emoji_pass_through_as_UTF8_whether_escaped_or_not() =>
        Assert.Equal("t,u\r\n勉強会 🎉,勉強会 🎉\r\n",
            Write("t,u", """{"t":"勉強会 🎉","u":"\u52c9\u5f37\u4f1a \ud83c\udf89"}"""));

    [Fact]
    public void Lone_surrogate_escape_becomes_the_replacement_character() =>
        Assert.Equal("t\r\nab\uFFFDcd\uFFFD\r\n", Write("t", """{"t":"ab\ud83ccd\udf89"}"""));

    [Fact]
    public void Null_and_missing_values_are_empty_fields() =>
        Assert.Equal("a,b,c\r\n,,x\r\n", Write("a,b,c", """{"a":null,"c":"x"}"""));

    [Fact]
    public void Numbers_and_booleans_keep_their_JSON_text() =>
        Assert.Equal("n,f,b\r\n1.50e3,-0.25,true\r\n", Write("n,f,b", """{"n":1.50e3,"f":-0.25,"b":true}"""));

    [Fact]
    public void Object_and_array_values_are_written_as_compact_JSON() =>
        Assert.Equal("o,a\r\n\"{\"\"k\"\":\"\"v w\"\",\"\"n\"\":[1,2]}\",\"[1,2]\"\r\n",
            Write("o,a", """{ "o" : { "k" : "v w", "n" : [ 1, 2 ] }, "a" : [1, 2] }"""));

    [Fact]
    public void Nested_paths_and_renamed_headers_pick_values_from_inner_objects() =>
        Assert.Equal("Group,id,GroupId\r\nTokyo.rb,7,3\r\n",
            Write("Group=group.title,id,GroupId=group.id", """{"id":7,"group":{"id":3,"title":"Tokyo.rb"},"title":"x"}"""));

    [Fact]
    public void A_path_through_a_non_object_value_is_an_empty_field() =>
        Assert.Equal("g\r\n\r\n", Write("g=group.title", """{"group":"plain"}"""));

    [Fact]
    public void Same_path_in_two_columns_fills_both() =>
        Assert.Equal("a,b\r\nx,x\r\n", Write("a=t,b=t", """{"t":"x"}"""));

    [Fact]
    public void Header_that_needs_quoting_is_quoted() =>
        Assert.Equal("\"say \"\"a\"\"\"\r\n", Write("say \"a\"=t"));
}
