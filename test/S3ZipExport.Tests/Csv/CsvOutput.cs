using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using S3ZipExport.Csv;
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
        var extractor = new RecordFieldExtractor(specs);
        for (var i = 0; i < records.Length; i++)
            writer.Feed(extractor, Encoding.UTF8.GetBytes(records[i]), i);
        pipe.Writer.Complete();
        using var output = new MemoryStream();
        pipe.Reader.AsStream().CopyTo(output);
        Assert.Equal(output.Length, writer.BytesWritten);
        return (output.ToArray(), writer);
    }

    public static string Text(string columns, CsvFormat format, params string[] records) =>
        Encoding.UTF8.GetString(Write(columns, format, records).Bytes);

    /// <summary>Hands <paramref name="json"/>, one record, to the sink as the record reader would: through the extractor.</summary>
    public static void Feed(this IRecordSink sink, RecordFieldExtractor extractor, ReadOnlySpan<byte> json, long index)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        Assert.True(extractor.TryRead(ref reader, json, 0, index, 0));
        sink.OnRecord(extractor.Complete(json[..(int)reader.BytesConsumed], index, 0));
    }
}
