using System.Text.Json;
using S3ZipExport.Csv;
using S3ZipExport.Records;

namespace S3ZipExport.Export;

/// <summary>
/// What one parse thread owns: its own extractor and CSV writer, making rows of a <see cref="RecordBatch"/> exactly as
/// the reader's thread makes them of one record at a time (the same scan, the same Utf8JsonReader fallback, the same
/// formatters and CSV rules), so the bytes do not depend on which thread made them.
/// </summary>
internal sealed class RecordRowMaker(IReadOnlyList<ColumnSpec> columns, CsvFormat format)
{
    private readonly RecordFieldExtractor _extractor = new(columns);
    private readonly BufferPipeWriter _output = new();
    private CsvRowWriter? _csv;

    public void Make(RecordBatch batch)
    {
        _output.Target = batch.Rows;
        // A continued file: no BOM, no header; the rows alone. Kept from batch to batch (a Shift_JIS encoder is not
        // free to make), made anew after a failure may have left a row half written.
        _csv ??= new CsvRowWriter(_output, columns, format, rowsInOpenFile: 0);
        var unencodableBefore = _csv.UnencodableCharacters;
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch.Record(i, out var index, out var byteOffset);
            try
            {
                Extract(record, index, byteOffset);
                _csv.OnRecord(_extractor.Complete(record, index, byteOffset));
                batch.RowMade();
            }
            catch (BadRecordException e)
            {
                batch.NoRow(e, _csv.UnencodableCharacters - unencodableBefore);   // EXPORT_ON_BAD_RECORD decides, in order, on the reader's side
            }
            catch (Exception e)
            {
                // The export fails at this record: the rest of the batch is never written. What the reader's thread
                // would have written of its row before failing (strict Shift_JIS) stays in Rows after the last row.
                batch.NoRow(e, _csv.UnencodableCharacters - unencodableBefore);
                _csv = null;
                return;
            }
        }
        batch.Unencodable = _csv.UnencodableCharacters - unencodableBefore;
    }

    /// <summary>
    /// The record's values: by the scan, or, where the scan cannot vouch for a record (an escaped name on a column's
    /// path, invalid UTF-8 in a column's string), by Utf8JsonReader, as the reader's own step reads it.
    /// </summary>
    private void Extract(ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        if (_extractor.TryScan(record, 0) == record.Length) return;
        var reader = new Utf8JsonReader(record, isFinalBlock: true, new JsonReaderState(RecordReader.Options));
        try
        {
            reader.Read();
            _extractor.TryRead(ref reader, record, 0, index, byteOffset);
        }
        catch (JsonException e)
        {
            // Not reached for a record the reader's scan found whole (it checks what Utf8JsonReader checks); said plainly all the same.
            throw new BadInputException($"The source is not valid JSON in record {index + 1}, which starts at byte offset {byteOffset}: {RecordReader.Problem(e)}.", e);
        }
    }
}
