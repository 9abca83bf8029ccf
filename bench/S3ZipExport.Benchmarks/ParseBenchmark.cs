using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using S3ZipExport.Csv;
using S3ZipExport.LocalServices;
using S3ZipExport.Records;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// Where the non-compression CPU goes, with no source and no HTTP: demo JSON from memory through
/// (1) JsonRecordReader finding the records but no column (an extraction of no columns), (2) finding the export's
/// columns in the same pass, (3) plus CsvRowWriter into a pipe drained into nothing, one thread each; (4) the same
/// with the rows made on parse threads (EXPORT_PARSE_THREADS, Export/ParallelCsvSink) into the export's CSV pipes.
/// MB/s are of JSON input.
/// </summary>
internal static class ParseBenchmark
{
    public static readonly ResultTable Table = new("parse.md",
        $"{ResultFiles.OnThisMachine}, `--stage parse`: demo JSON from memory through the record reader alone, then with field " +
        "extraction, then with the CSV writer, on one thread; then the rows made on parse threads (EXPORT_PARSE_THREADS), the reader only " +
        "finding records; MB/s of JSON.",
        ["JSON MB", "read MB/s", "+ extract MB/s", "+ CSV MB/s", "parse threads", "+ CSV on parse threads MB/s", "allocated MB", "date", "load"], 0);

    public static async Task<StageResult> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var loadBefore = MachineInfo.LoadAverage();
        var json = new MemoryStream();
        await ConnpassDemoData.WriteAsync(json, (long)(options.SizeMB * 1e6), ct);
        var bytes = json.GetBuffer().AsMemory(0, (int)json.Length);
        var errors = new List<string>();
        var columns = S3ZipExport.Settings.ColumnListParser.Parse(ExportBenchmark.Columns, errors);

        var allocated = new List<string>();
        async Task<double> TimeAsync(IReadOnlyList<ColumnSpec> extracted, Func<IRecordSink> sink, Func<Task>? after = null)
        {
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var wall = Stopwatch.StartNew();
            var extraction = new RecordExtraction(new RecordOptions { Columns = extracted });
            await new JsonRecordReader(new MemoryStream(json.GetBuffer(), 0, (int)json.Length, writable: false), ["events"], "application/json", extraction).ReadAsync(sink(), ct);
            if (after is not null) await after();
            allocated.Add($"{(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1e6:F1}");
            return bytes.Length / 1e6 / wall.Elapsed.TotalSeconds;
        }

        var readOnly = await TimeAsync([], () => new IgnoringSink());
        var extract = await TimeAsync(columns, () => new IgnoringSink());
        Pipe? pipe = null;
        Task? drain = null;
        var csv = await TimeAsync(columns, () =>
        {
            pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
            var reader = pipe.Reader;
            drain = Task.Run(async () =>
            {
                while (true)
                {
                    var result = await reader.ReadAsync(ct);
                    reader.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted) break;
                }
            }, ct);
            return new CsvRowWriter(pipe.Writer, columns);
        }, async () => { await pipe!.Writer.CompleteAsync(); await drain!; });

        var threads = options.ParseThreadsOrCores;
        var spread = await TimeSpreadAsync(json, columns, threads, ct);

        var line = string.Create(CultureInfo.InvariantCulture,
            $"parse input_mb={bytes.Length / 1e6:F1} read_only_mb_s={readOnly:F1} read_extract_mb_s={extract:F1} read_extract_csv_mb_s={csv:F1} (of JSON, one thread) " +
            $"parse_threads={threads} read_extract_csv_spread_mb_s={spread:F1} allocated_mb={string.Join('/', allocated)} | " +
            $"cores={Environment.ProcessorCount} load=\"{MachineInfo.LoadAverage()}\"");
        string[] row = [ResultFiles.F(bytes.Length / 1e6, 1), ResultFiles.F(readOnly, 1), ResultFiles.F(extract, 1), ResultFiles.F(csv, 1),
            threads.ToString(CultureInfo.InvariantCulture), ResultFiles.F(spread, 1), string.Join(" / ", allocated), .. ResultFiles.Stamp(loadBefore)];
        return new StageResult(line, Table, [row], csv) { FindMBps = readOnly };
    }

    /// <summary>(4): the reader and its parse threads as the export runs them, into the export's CSV pipes drained into nothing.</summary>
    private static async Task<double> TimeSpreadAsync(MemoryStream json, IReadOnlyList<ColumnSpec> columns, int threads, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        await using var stage = new CsvStage(columns, threads, ct);
        await new JsonRecordReader(new MemoryStream(json.GetBuffer(), 0, (int)json.Length, writable: false), ["events"], "application/json", stage.Extraction).ReadAsync(stage.Sink, ct);
        await stage.CompleteAsync();
        return json.Length / 1e6 / wall.Elapsed.TotalSeconds;
    }

    private sealed class IgnoringSink : IRecordSink
    {
        public void OnRecord(in RecordFields record) { }
        public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;
    }
}
