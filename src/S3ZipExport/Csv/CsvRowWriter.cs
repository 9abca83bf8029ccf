using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using S3ZipExport.Records;
using S3ZipExport.Settings;

namespace S3ZipExport.Csv;

/// <summary>
/// Writes records as RFC 4180 CSV (comma, CRLF, UTF-8 without BOM) straight into the pipe to the compressor.
/// Written by hand rather than with CsvHelper: values arrive as UTF-8 byte spans from the JSON reader, and a
/// string-based writer would decode and re-encode every field (the hot path of a multi-GB export); the only
/// rule here is RFC 4180's quoting, which the tests pin down.
/// </summary>
internal sealed class CsvRowWriter : IRecordSink
{
    private static readonly SearchValues<byte> NeedsQuoting = SearchValues.Create(",\"\r\n"u8);
    private static readonly byte[] Newline = "\r\n"u8.ToArray();

    private readonly PipeWriter _output;
    private readonly RecordFieldExtractor _extractor;

    public CsvRowWriter(PipeWriter output, IReadOnlyList<ColumnSpec> columns)
    {
        _output = output;
        _extractor = new RecordFieldExtractor(columns);
        WriteHeader(columns);
    }

    public long BytesWritten { get; private set; }
    public long Rows { get; private set; }

    public void OnRecord(ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        _extractor.Extract(record, index, byteOffset);
        var values = _extractor.Values;
        var scratch = _extractor.Scratch;
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0) WriteRaw(","u8);
            var value = values[i];
            if (value.Kind is FieldKind.Missing or FieldKind.Null) continue;
            WriteField((value.InScratch ? scratch : record).Slice(value.Start, value.Length));
        }
        WriteRaw(Newline);
        Rows++;
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        var result = await _output.FlushAsync(ct);
        // The reader completes early only when the compression stage stopped; its error is what the caller sees.
        if (result.IsCompleted) throw new OperationCanceledException("The compression stage stopped reading CSV.");
    }

    private void WriteHeader(IReadOnlyList<ColumnSpec> columns)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0) WriteRaw(","u8);
            WriteField(Encoding.UTF8.GetBytes(columns[i].Header));
        }
        WriteRaw(Newline);
    }

    private void WriteField(ReadOnlySpan<byte> value)
    {
        if (value.IndexOfAny(NeedsQuoting) < 0)
        {
            WriteRaw(value);
            return;
        }
        // Worst case every byte is a quote, doubled, plus the two enclosing quotes.
        var span = _output.GetSpan(value.Length * 2 + 2);
        var n = 0;
        span[n++] = (byte)'"';
        while (true)
        {
            var quote = value.IndexOf((byte)'"');
            var run = quote < 0 ? value : value[..(quote + 1)];
            run.CopyTo(span[n..]);
            n += run.Length;
            if (quote < 0) break;
            span[n++] = (byte)'"';
            value = value[(quote + 1)..];
        }
        span[n++] = (byte)'"';
        _output.Advance(n);
        BytesWritten += n;
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        BytesWritten += bytes.Length;
    }
}
