using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using S3ZipExport.Contract;
using S3ZipExport.Records;

namespace S3ZipExport.Csv;

/// <summary>
/// Writes records as CSV straight into the pipe to the compressor: RFC 4180 quoting (a field holding the delimiter,
/// a quote, CR or LF is quoted, quotes doubled) with the delimiter, newline, header and encoding of a
/// <see cref="CsvFormat"/>. Written by hand rather than with CsvHelper: values arrive as UTF-8 byte spans from the
/// JSON reader, and a string-based writer would decode and re-encode every field (the hot path of a multi-GB
/// export). UTF-8 output copies those spans as they are; only Shift_JIS output transcodes, field by field.
/// <para>A row is written into the pipe's own memory and committed with one Advance when it is complete (or when it
/// runs past the pipe's current segment). PipeWriter.Advance takes the pipe's lock, which the compressor's reads
/// take too: advancing per field and delimiter (two dozen times a row) made the two stages contend for it.</para>
/// </summary>
internal sealed class CsvRowWriter : IRecordSink
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly CsvFormat _format;
    private readonly IReadOnlyList<ColumnSpec> _columns;
    private readonly SearchValues<byte> _needsQuoting;
    private readonly byte[] _delimiter;
    private readonly byte[] _newline;
    private readonly ShiftJisTranscoder? _transcoder;
    private PipeWriter _output;
    private Memory<byte> _free;   // the pipe's memory after the uncommitted part of the current row
    private int _pending;         // bytes written into _free, not yet committed

    /// <param name="rowsInOpenFile">
    /// Null starts a new file (BOM and header). A number continues the file an earlier invocation's cut left open,
    /// which already has its header and that many rows.
    /// </param>
    public CsvRowWriter(PipeWriter output, IReadOnlyList<ColumnSpec> columns, CsvFormat? format = null, long? rowsInOpenFile = null)
    {
        _output = output;
        _columns = columns;
        _format = format ?? CsvFormat.Default;
        _delimiter = [_format.Delimiter];
        _needsQuoting = SearchValues.Create([_format.Delimiter, (byte)'"', (byte)'\r', (byte)'\n']);
        _newline = _format.Newline == CsvNewline.CrLf ? "\r\n"u8.ToArray() : "\n"u8.ToArray();
        if (_format.Encoding == CsvEncoding.ShiftJis) _transcoder = new ShiftJisTranscoder();
        if (rowsInOpenFile is { } rows) RowsInFile = rows;
        else StartNewFile();
    }

    /// <summary>Bytes written to the output(s) by this writer, in the output encoding, BOM and headers included.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Data rows written by this writer, over all files.</summary>
    public long Rows { get; private set; }

    /// <summary>Data rows in the current file (with those an earlier invocation wrote to it).</summary>
    public long RowsInFile { get; private set; }

    /// <summary>Characters written as <c>?</c> because Shift_JIS (CP932) has no code for them; always 0 for UTF-8.</summary>
    public long UnencodableCharacters => (_transcoder?.Unencodable ?? 0) + _unencodableElsewhere;

    private long _unencodableElsewhere;   // in rows made by another writer (WriteRows)

    /// <summary>
    /// Starts the next file of a split export: writes the BOM (utf-8-bom) and the header row (unless turned off)
    /// again, to <paramref name="output"/> when the file goes to a new pipe, else to the current one. The caller
    /// flushes and completes the previous file's output first. The constructor starts the first file.
    /// </summary>
    public void StartNewFile(PipeWriter? output = null)
    {
        if (output is not null) _output = output;
        RowsInFile = 0;
        if (_format.Encoding == CsvEncoding.Utf8Bom) WriteRaw(Bom);
        if (_format.Header) WriteHeader();
        Commit();
    }

    /// <summary>Writes one row: the record's fields, as the record reader extracted and formatted them.</summary>
    public void OnRecord(in RecordFields record)
    {
        for (var i = 0; i < record.Count; i++)
        {
            if (i > 0) WriteRaw(_delimiter);
            var kind = record.KindOf(i);
            if (kind is FieldKind.Missing or FieldKind.Null) continue;
            var field = record[i];
            var guard = _format.FormulaGuard && kind == FieldKind.Text && StartsLikeFormula(field);
            if (_transcoder is null) WriteField(field, guard);
            else WriteTranscodedField(field, guard, record.Index, i);
        }
        WriteRaw(_newline);
        Commit();
        Rows++;
        RowsInFile++;
    }

    /// <summary>
    /// Writes <paramref name="count"/> complete rows another CsvRowWriter made (in this format, without a header) into
    /// this file: the rows a parse thread made, in their turn.
    /// </summary>
    public void WriteRows(ReadOnlySpan<byte> rows, int count)
    {
        Commit();
        _output.Write(rows);
        BytesWritten += rows.Length;
        Rows += count;
        RowsInFile += count;
    }

    /// <summary>Counts characters another writer could not encode into rows it made for this one (<see cref="WriteRows"/>).</summary>
    public void CountUnencodable(long count) => _unencodableElsewhere += count;

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        var result = await _output.FlushAsync(ct);
        // The reader completes early only when the compression stage stopped; its error is what the caller sees.
        if (result.IsCompleted) throw new OperationCanceledException("The compression stage stopped reading CSV.");
    }

    private void WriteHeader()
    {
        for (var i = 0; i < _columns.Count; i++)
        {
            if (i > 0) WriteRaw(_delimiter);
            var header = Encoding.UTF8.GetBytes(_columns[i].Header);
            if (_transcoder is null) WriteField(header, guard: false);
            else WriteTranscodedField(header, guard: false, index: -1, i);
        }
        WriteRaw(_newline);
    }

    private static bool StartsLikeFormula(ReadOnlySpan<byte> field) =>
        !field.IsEmpty && field[0] is (byte)'=' or (byte)'+' or (byte)'-' or (byte)'@' or (byte)'\t' or (byte)'\r';

    /// <summary>UTF-8 output: the field's bytes are the CSV's bytes.</summary>
    private void WriteField(ReadOnlySpan<byte> value, bool guard)
    {
        var quote = value.IndexOfAny(_needsQuoting) >= 0;
        if (!quote && !guard)
        {
            WriteRaw(value);
            return;
        }
        // Worst case every byte is a quote, doubled, plus the two enclosing quotes and the guard's apostrophe.
        var span = Reserve(value.Length * 2 + 3);
        var n = 0;
        if (quote) span[n++] = (byte)'"';
        if (guard) span[n++] = (byte)'\'';
        while (true)
        {
            var at = quote ? value.IndexOf((byte)'"') : -1;
            var run = at < 0 ? value : value[..(at + 1)];
            run.CopyTo(span[n..]);
            n += run.Length;
            if (at < 0) break;
            span[n++] = (byte)'"';
            value = value[(at + 1)..];
        }
        if (quote) span[n++] = (byte)'"';
        Wrote(n);
    }

    /// <summary>
    /// Shift_JIS output: quoting is decided on the UTF-8 bytes (the delimiter, quote, CR and LF are ASCII, the same
    /// bytes in CP932) and the runs between doubled quotes are transcoded.
    /// </summary>
    private void WriteTranscodedField(ReadOnlySpan<byte> value, bool guard, long index, int column)
    {
        var before = _transcoder!.Unencodable;
        var quote = value.IndexOfAny(_needsQuoting) >= 0;
        if (quote) WriteRaw("\""u8);
        if (guard) WriteRaw("'"u8);
        while (true)
        {
            var at = quote ? value.IndexOf((byte)'"') : -1;
            Commit(); // the transcoder writes to the pipe itself
            BytesWritten += _transcoder.Write(at < 0 ? value : value[..(at + 1)], _output);
            if (at < 0) break;
            WriteRaw("\""u8);
            value = value[(at + 1)..];
        }
        if (quote) WriteRaw("\""u8);
        if (_format.StrictEncoding && _transcoder.Unencodable != before)
            throw new BadInputException(
                (index < 0 ? "The header" : $"Record {index + 1}") + $", column '{_columns[column].Header}': character " +
                $"U+{_transcoder.LastUnencodable:X4} ('{char.ConvertFromUtf32(_transcoder.LastUnencodable)}') has no code in Shift_JIS (CP932). " +
                $"Unset {SettingNames.CsvStrictEncoding} to write it as '?', or use {SettingNames.CsvEncoding}=utf-8-bom.");
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Wrote(bytes.Length);
    }

    /// <summary>Free pipe memory of at least <paramref name="length"/> bytes after what the row holds so far.</summary>
    private Span<byte> Reserve(int length)
    {
        if (_free.Length - _pending < length)
        {
            Commit();
            _free = _output.GetMemory(length);
        }
        return _free.Span[_pending..];
    }

    private void Wrote(int count)
    {
        _pending += count;
        BytesWritten += count;
    }

    /// <summary>Makes what was written part of the pipe's content (one lock), and lets go of its memory.</summary>
    private void Commit()
    {
        if (_pending > 0) _output.Advance(_pending);
        _free = default;
        _pending = 0;
    }
}
