using S3ZipExport.Archive;
using S3ZipExport.Csv;
using S3ZipExport.Records;

namespace S3ZipExport.Export;

/// <summary>
/// Between the record reader and the CSV writer: starts the next CSV file where the archive options split it (every
/// EXPORT_MAX_ROWS_PER_FILE rows, or at each source with EXPORT_ENTRY_PER_SOURCE), then writes the row.
/// </summary>
internal sealed class CsvFileSink(CsvRowWriter csv, CsvFiles files, ArchiveOptions archive) : IRecordSink
{
    public void OnSourceStart(int sourceIndex)
    {
        if (archive.EntryPerSource && sourceIndex > 0) csv.StartNewFile(files.StartNext());
    }

    public void OnRecord(in RecordFields record)
    {
        StartNextFileIfFull();
        csv.OnRecord(record);
    }

    /// <summary>
    /// Complete rows made elsewhere (<see cref="CsvRowWriter.WriteRows"/>), end to end in <paramref name="output"/>
    /// from <paramref name="start"/>, row i ending at <paramref name="rowEnds"/>[i]; split into files where
    /// <see cref="OnRecord"/> would split them.
    /// </summary>
    public void OnRows(ReadOnlySpan<byte> output, int start, ReadOnlySpan<int> rowEnds)
    {
        while (!rowEnds.IsEmpty)
        {
            StartNextFileIfFull();
            var take = archive.MaxRowsPerFile > 0 ? (int)Math.Min(rowEnds.Length, archive.MaxRowsPerFile - csv.RowsInFile) : rowEnds.Length;
            var end = rowEnds[take - 1];
            csv.WriteRows(output[start..end], take);
            start = end;
            rowEnds = rowEnds[take..];
        }
    }

    /// <summary>
    /// The part of a row a writer elsewhere wrote before the record failed (strict Shift_JIS), written as the
    /// reader's thread would have written it before failing: the export fails next.
    /// </summary>
    public void OnPartialRow(ReadOnlySpan<byte> bytes)
    {
        StartNextFileIfFull();
        csv.WriteRows(bytes, 0);
    }

    /// <summary>Characters a writer elsewhere could not encode, counted with this file's.</summary>
    public void CountUnencodable(long count) => csv.CountUnencodable(count);

    /// <summary>Before a row: the next file, when EXPORT_MAX_ROWS_PER_FILE rows fill the current one.</summary>
    private void StartNextFileIfFull()
    {
        if (archive.MaxRowsPerFile > 0 && csv.RowsInFile == archive.MaxRowsPerFile) csv.StartNewFile(files.StartNext());
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await files.WaitForRoomAsync(ct);
        await csv.FlushAsync(ct);
    }
}
