using S3ZipExport.Archive;
using S3ZipExport.Csv;
using S3ZipExport.Export;
using S3ZipExport.Records;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The export's CSV side without compression: its CSV pipes drained into nothing, the CSV writer, and the sink the
/// export reads records into, on the reader's thread or on parse threads (Export/ParallelCsvSink), as ExportStages
/// joins them.
/// </summary>
internal sealed class CsvStage : IAsyncDisposable
{
    private readonly CsvFiles _files = new("events.csv", numbered: false);
    private readonly ParallelCsvSink? _parallel;
    private readonly Task _drain;

    public CsvStage(IReadOnlyList<ColumnSpec> columns, int parseThreads, CancellationToken ct)
    {
        Extraction = new RecordExtraction(new RecordOptions { Columns = columns });
        Csv = new CsvRowWriter(_files.StartNext(), columns);
        var sink = new CsvFileSink(Csv, _files, new ArchiveOptions());
        _parallel = parseThreads > 1 ? new ParallelCsvSink(sink, Extraction.BadRecords, columns, CsvFormat.Default, parseThreads) : null;
        Sink = _parallel ?? (IRecordSink)sink;
        _drain = Task.Run(async () =>
        {
            await foreach (var file in _files.ReadAllAsync(ct))
            {
                await using var rows = file.Reader.AsStream();
                await rows.CopyToAsync(Stream.Null, 1 << 20, ct);
            }
        }, ct);
    }

    public RecordExtraction Extraction { get; }
    public CsvRowWriter Csv { get; }
    public IRecordSink Sink { get; }

    /// <summary>Ends the CSV and waits until the drain has read it all.</summary>
    public async Task CompleteAsync()
    {
        await _files.CompleteAsync();
        await _drain;
    }

    public ValueTask DisposeAsync()
    {
        _parallel?.Dispose();
        _files.Dispose();
        return ValueTask.CompletedTask;
    }
}
