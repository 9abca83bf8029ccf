using System.Text.Json;

namespace S3ZipExport.Records;

/// <summary>
/// Reads JSON Lines (NDJSON, https://jsonlines.org): one JSON object per line, LF or CRLF, blank lines skipped. Each
/// line is checked to be exactly one object before the sink sees it, so a bad line fails with its line number and
/// byte offset instead of becoming a wrong CSV row. Memory: the <see cref="ReadWindow"/>.
/// </summary>
internal sealed class NdjsonRecordReader(Stream body, string? contentType) : IRecordReader
{
    private readonly ReadWindow _window = new(body);
    private long _line = 1;             // line number of the window's first unconsumed byte

    public long RecordCount { get; private set; }
    public long BytesRead => _window.BytesRead;

    /// <summary>The index the sink is given for this document's first record: the records read before it.</summary>
    public long FirstRecordIndex { get; init; }

    private long Index => FirstRecordIndex + RecordCount;

    public async Task ReadAsync(IRecordSink sink, CancellationToken ct)
    {
        while (true)
        {
            if (!await _window.FillAsync(ct))
                throw new BadInputException($"Line {_line} (record {Index}) starting at byte offset {_window.Offset} is longer than {_window.MaxBytes / (1024 * 1024)} MiB.");
            ReadLines(sink);
            await sink.FlushAsync(ct);
            if (_window.IsFinal && _window.IsEmpty) return;
        }
    }

    /// <summary>Hands on every complete line in the buffer; at the end of the body, the last line even without its newline.</summary>
    private void ReadLines(IRecordSink sink)
    {
        while (!_window.IsEmpty)
        {
            var rest = _window.Unconsumed;
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0 && !_window.IsFinal) return;
            var line = newline < 0 ? rest : rest[..newline];
            ReadLine(line, sink);
            var consumed = newline < 0 ? rest.Length : newline + 1;
            _window.Consume(consumed);
            _line++;
        }
    }

    private void ReadLine(ReadOnlySpan<byte> line, IRecordSink sink)
    {
        var skipped = 0;
        if (_window.Offset == 0 && line.StartsWith("\uFEFF"u8)) skipped = 3;
        while (skipped < line.Length && line[skipped] is (byte)' ' or (byte)'\t' or (byte)'\r') skipped++;
        var record = line[skipped..].TrimEnd(" \t\r"u8);
        if (record.IsEmpty) return;
        var offset = _window.Offset + skipped;

        var reader = new Utf8JsonReader(record, isFinalBlock: true, state: default);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new BadInputException($"Line {_line} of the JSON Lines source (byte offset {offset}) is {JsonRecordReader.Describe(reader.TokenType)}, not an object{AsFirstLine()}.");
            // With the whole line as the final block, the extractor never runs out of bytes.
            if (sink.Extractor is { } extractor) extractor.TryExtractWhileReading(ref reader, record, 0, Index, offset);
            else reader.Skip();
            // A second value on the line: Read throws for anything but whitespace after the object.
            reader.Read();
        }
        catch (JsonException e)
        {
            throw new BadInputException(
                $"Line {_line} of the JSON Lines source is not one valid JSON object, at byte offset {offset + (e.BytePositionInLine ?? 0)} " +
                $"(byte {e.BytePositionInLine} of that line), record {Index}{AsFirstLine()}: {JsonRecordReader.FirstSentence(e.Message)}", e);
        }
        sink.OnRecord(record, Index, offset);
        RecordCount++;
    }

    /// <summary>A first line that fails is often an HTML error page or a JSON document: the Content-Type tells which.</summary>
    private string AsFirstLine() => RecordCount == 0 ? $" (Content-Type '{contentType ?? "none"}')" : "";
}
