using System.Text.Json;

namespace S3ZipExport.Records;

/// <summary>
/// Reads JSON Lines (NDJSON, https://jsonlines.org): one JSON value per line, LF or CRLF, blank lines skipped. Each
/// line must be exactly one valid JSON value, so a bad line fails with its line number and byte offset instead of
/// becoming a wrong CSV row; a line that is valid but not an object is a bad record, as in a JSON document.
/// </summary>
internal sealed class NdjsonRecordReader(Stream body, string? contentType, RecordExtraction extraction)
    : RecordReader(body, contentType, extraction)
{
    private long _line = 1;             // line number of the window's first unconsumed byte

    /// <summary>The number of the next line to read: where a cut stopped.</summary>
    public long Line => _line;

    /// <summary>Reads from <paramref name="offset"/>, the start of line <paramref name="line"/>, where an earlier invocation cut.</summary>
    public void ResumeAt(long offset, long line)
    {
        Window.StartAt(offset, []);
        _line = line;
    }

    protected override async Task ReadRecordsAsync(IRecordSink sink, CancellationToken ct)
    {
        while (true)
        {
            if (!await Window.FillAsync(ct))
                throw new BadInputException($"Line {_line} (record {Number}) starting at byte offset {Window.Offset} is longer than {Window.MaxBytes / (1024 * 1024)} MiB, the largest this function's memory allows.");
            ReadLines(sink);
            await sink.FlushAsync(ct);
            if (CutAt is not null || (Window.IsFinal && Window.IsEmpty)) return;
        }
    }

    /// <summary>Hands on every complete line in the buffer; at the end of the body, the last line even without its newline.</summary>
    private void ReadLines(IRecordSink sink)
    {
        while (!Window.IsEmpty)
        {
            var rest = Window.Unconsumed;
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0 && !Window.IsFinal) return;
            var line = newline < 0 ? rest : rest[..newline];
            var records = RecordCount;
            ReadLine(line, sink);
            Window.Consume(newline < 0 ? rest.Length : newline + 1);
            _line++;
            if (RecordCount > records && StopsForCut(Window.Offset)) return;
        }
    }

    private void ReadLine(ReadOnlySpan<byte> line, IRecordSink sink)
    {
        var skipped = 0;
        if (Window.Offset == 0 && line.StartsWith("\uFEFF"u8)) skipped = 3;
        while (skipped < line.Length && line[skipped] is (byte)' ' or (byte)'\t' or (byte)'\r') skipped++;
        var record = line[skipped..].TrimEnd(" \t\r"u8);
        if (record.IsEmpty) return;
        var offset = Window.Offset + skipped;

        // The scanner reads a line that is one object record and nothing else; the reader every other line.
        if (ScansAt(0) && record[0] == '{')
        {
            if (HandsOver && TryHandOver(record, 0, offset, wholeData: true) >= 0) return;
            if (TryScan(record, 0) == record.Length)
            {
                Emit(record, offset, sink);
                return;
            }
        }
        DrainHandedOver();

        // With the whole line as the final block, the extractor never runs out of bytes.
        var reader = new Utf8JsonReader(record, isFinalBlock: true, new JsonReaderState(Options));
        try
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                TryExtract(ref reader, record, 0, offset);
                var end = (int)reader.BytesConsumed;
                // A second value on the line: Read throws for anything but whitespace after the record.
                reader.Read();
                Emit(record[..end], offset, sink);
                return;
            }
            var type = reader.TokenType;
            reader.Skip();
            reader.Read();
            NotAnObject(type, offset, $"line {_line}, ");
        }
        catch (JsonException e)
        {
            throw new BadInputException(
                $"Line {_line} of the JSON Lines source is not one valid JSON value, at byte offset {offset + (e.BytePositionInLine ?? 0)}, " +
                $"in record {Number}{AsFirstLine()}: {Problem(e)}.", e);
        }
    }

    /// <summary>A first line that fails is often an HTML error page or a JSON document: the Content-Type tells which.</summary>
    private string AsFirstLine() => RecordCount == 0 ? $" (Content-Type '{ContentType ?? "none"}')" : "";
}
