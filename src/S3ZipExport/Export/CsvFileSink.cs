using S3ZipExport.Csv;
using S3ZipExport.Records;
using S3ZipExport.Archive;
using S3ZipExport.Telemetry;

namespace S3ZipExport.Export;

/// <summary>
/// Between the record reader and the CSV writer: starts the next CSV file where the settings split it (every
/// EXPORT_MAX_ROWS_PER_FILE rows, or at each source with EXPORT_ENTRY_PER_SOURCE), and leaves out bad records
/// under EXPORT_ON_BAD_RECORD=skip, counting them and logging each one's index (the first 100).
/// </summary>
internal sealed class CsvFileSink(CsvRowWriter csv, CsvFiles files, ArchiveOptions archive, OnBadRecord onBadRecord) : IRecordSink
{
    private const int SkipsLoggedOneByOne = 100;

    public long SkippedRecords { get; private set; }

    // Hands the reader the CSV writer's extractor, so each record is parsed once (OnRecord always reaches csv).
    public RecordFieldExtractor? Extractor => csv.Extractor;

    public void OnSourceStart(int sourceIndex)
    {
        if (archive.EntryPerSource && sourceIndex > 0) csv.StartNewFile(files.StartNext());
    }

    public void OnRecord(ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        if (archive.MaxRowsPerFile > 0 && csv.RowsInFile == archive.MaxRowsPerFile) csv.StartNewFile(files.StartNext());
        try
        {
            csv.OnRecord(record, index, byteOffset);
        }
        catch (BadRecordException e) when (onBadRecord == Records.OnBadRecord.Skip)
        {
            Skip(e.Index, e.Message);
        }
    }

    public void OnBadRecord(long index, long byteOffset, string problem)
    {
        if (onBadRecord == Records.OnBadRecord.Fail) throw new BadRecordException(problem, index);
        Skip(index, problem);
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await files.WaitForRoomAsync(ct);
        await csv.FlushAsync(ct);
    }

    private void Skip(long index, string problem)
    {
        SkippedRecords++;
        if (SkippedRecords <= SkipsLoggedOneByOne)
            JsonLog.Warning("record skipped", new Dictionary<string, object?> { ["record"] = index, ["problem"] = problem });
    }
}
