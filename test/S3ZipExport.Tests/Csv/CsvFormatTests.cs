using System.IO.Pipelines;
using System.Text;
using S3ZipExport.Csv;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Csv;

public class CsvFormatTests
{
    private const string Record = """{"a":"x\ty","b":"p,q","c":"say \"hi\"","n":-5}""";

    [Fact]
    public void Tab_delimiter_quotes_fields_with_a_tab_and_no_longer_those_with_a_comma() =>
        Assert.Equal("a\tb\tc\tn\r\n\"x\ty\"\tp,q\t\"say \"\"hi\"\"\"\t-5\r\n",
            CsvOutput.Text("a,b,c,n", new CsvFormat { Delimiter = (byte)'\t' }, Record));

    [Fact]
    public void Semicolon_delimiter_quotes_fields_with_a_semicolon() =>
        Assert.Equal("a;b\r\n\"1;2\";3,4\r\n", CsvOutput.Text("a,b", new CsvFormat { Delimiter = (byte)';' }, """{"a":"1;2","b":"3,4"}"""));

    [Fact]
    public void LF_newline_ends_header_and_rows_with_LF_only() =>
        Assert.Equal("a,b\n1,2\n3,4\n", CsvOutput.Text("a,b", new CsvFormat { Newline = CsvNewline.Lf }, """{"a":1,"b":2}""", """{"a":3,"b":4}"""));

    [Fact]
    public void Field_with_a_bare_LF_is_still_quoted_with_LF_newlines() =>
        Assert.Equal("t\n\"a\nb\"\n", CsvOutput.Text("t", new CsvFormat { Newline = CsvNewline.Lf }, """{"t":"a\nb"}"""));

    [Fact]
    public void Header_off_writes_only_data_rows() =>
        Assert.Equal("1,2\r\n", CsvOutput.Text("a,b", new CsvFormat { Header = false }, """{"a":1,"b":2}"""));

    [Fact]
    public void Header_off_with_a_BOM_still_starts_with_the_BOM() =>
        Assert.Equal([0xEF, 0xBB, 0xBF, (byte)'1', (byte)'\r', (byte)'\n'],
            CsvOutput.Write("a", new CsvFormat { Header = false, Encoding = CsvEncoding.Utf8Bom }, """{"a":1}""").Bytes);

    [Theory]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("+81 3", "'+81 3")]
    [InlineData("-x", "'-x")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\\tx", "'\tx")]
    [InlineData("\\r=1", "\"'\r=1\"")]
    [InlineData("=1,2", "\"'=1,2\"")]
    [InlineData("=\\\"a\\\"", "\"'=\"\"a\"\"\"")]
    [InlineData("a=1", "a=1")]
    [InlineData("", "")]
    public void Formula_guard_prefixes_text_starting_with_a_formula_character_with_an_apostrophe(string json, string field) =>
        Assert.Equal($"t\r\n{field}\r\n", CsvOutput.Text("t", new CsvFormat { FormulaGuard = true }, $$"""{"t":"{{json}}"}"""));

    [Fact]
    public void Formula_guard_leaves_JSON_numbers_as_they_are() =>
        Assert.Equal("n,s\r\n-5,'-5\r\n", CsvOutput.Text("n,s", new CsvFormat { FormulaGuard = true }, """{"n":-5,"s":"-5"}"""));

    [Fact]
    public void Formula_guard_off_writes_formula_text_unchanged() =>
        Assert.Equal("t\r\n=SUM(A1)\r\n", CsvOutput.Text("t", CsvFormat.Default, """{"t":"=SUM(A1)"}"""));

    [Fact]
    public void Formula_guard_applies_in_Shift_JIS_too() =>
        Assert.Equal("t\r\n'=勉強会\r\n", CsvOutput.ShiftJis.GetString(
            CsvOutput.Write("t", new CsvFormat { FormulaGuard = true, Encoding = CsvEncoding.ShiftJis }, """{"t":"=勉強会"}""").Bytes));

    [Fact]
    public void StartNewFile_writes_the_BOM_and_header_again_and_restarts_the_row_count_of_the_file()
    {
        var specs = S3ZipExport.Settings.ColumnListParser.Parse("a", []);
        var first = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var writer = new CsvRowWriter(first.Writer, specs, new CsvFormat { Encoding = CsvEncoding.Utf8Bom });
        var extractor = new RecordFieldExtractor(specs);
        writer.Feed(extractor, """{"a":1}"""u8, 0);
        writer.Feed(extractor, """{"a":2}"""u8, 1);
        Assert.Equal(2, writer.RowsInFile);

        var second = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        writer.StartNewFile(second.Writer);
        writer.Feed(extractor, """{"a":3}"""u8, 2);
        first.Writer.Complete();
        second.Writer.Complete();

        Assert.Equal("\uFEFFa\r\n1\r\n2\r\n", ReadAll(first.Reader));
        Assert.Equal("\uFEFFa\r\n3\r\n", ReadAll(second.Reader));
        Assert.Equal(3, writer.Rows);
        Assert.Equal(1, writer.RowsInFile);
        Assert.Equal(Encoding.UTF8.GetByteCount("\uFEFFa\r\n1\r\n2\r\n\uFEFFa\r\n3\r\n"), writer.BytesWritten);
    }

    [Fact]
    public void StartNewFile_without_a_new_output_continues_in_the_same_pipe()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var specs = S3ZipExport.Settings.ColumnListParser.Parse("a", []);
        var writer = new CsvRowWriter(pipe.Writer, specs, new CsvFormat { Delimiter = (byte)'\t' });
        writer.Feed(new RecordFieldExtractor(specs), """{"a":1}"""u8, 0);
        writer.StartNewFile();
        pipe.Writer.Complete();
        Assert.Equal("a\r\n1\r\na\r\n", ReadAll(pipe.Reader));
    }

    private static string ReadAll(PipeReader reader)
    {
        using var output = new MemoryStream();
        reader.AsStream().CopyTo(output);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
