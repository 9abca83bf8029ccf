using System.IO.Pipelines;
using System.Text;
using S3ZipExport.Csv;
using S3ZipExport.Settings;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Csv;

/// <summary>Runs records through a <see cref="CsvRowWriter"/> into a pipe and returns the bytes a user would get.</summary>
internal static class CsvOutput
{
    static CsvOutput() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding ShiftJis => Encoding.GetEncoding(932);

    public static (byte[] Bytes, CsvRowWriter Writer) Write(string columns, CsvFormat format, params string[] records)
    {
        var errors = new List<string>();
        var specs = S3ZipExport.Settings.ColumnListParser.Parse(columns, errors);
        Assert.Empty(errors);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var writer = new CsvRowWriter(pipe.Writer, specs, format);
        for (var i = 0; i < records.Length; i++)
            writer.OnRecord(Encoding.UTF8.GetBytes(records[i]), i, 0);
        pipe.Writer.Complete();
        using var output = new MemoryStream();
        pipe.Reader.AsStream().CopyTo(output);
        Assert.Equal(output.Length, writer.BytesWritten);
        return (output.ToArray(), writer);
    }

    public static string Text(string columns, CsvFormat format, params string[] records) =>
        Encoding.UTF8.GetString(Write(columns, format, records).Bytes);
}
