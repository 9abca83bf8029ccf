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
        if (archive.MaxRowsPerFile > 0 && csv.RowsInFile == archive.MaxRowsPerFile) csv.StartNewFile(files.StartNext());
        csv.OnRecord(record);
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await files.WaitForRoomAsync(ct);
        await csv.FlushAsync(ct);
    }
}
