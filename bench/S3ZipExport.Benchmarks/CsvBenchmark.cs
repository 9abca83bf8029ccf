using System.Diagnostics;
using System.Globalization;
using S3ZipExport.Records;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The export without compression and upload, to find where time goes: the demo source (its own process) over
/// HTTP, JsonRecordReader and CsvRowWriter into the export's CSV pipes, drained into nothing; on the reader's thread,
/// or with <c>--parse-threads K</c> above 1 on parse threads as the export runs them (Export/ParallelCsvSink).
/// </summary>
internal static class CsvBenchmark
{
    public static readonly ResultTable Table = new("csv.md",
        $"{ResultFiles.OnThisMachine}, `--stage csv`: the demo source (its own process) over HTTP, the JSON record reader and the " +
        "CSV writer into the CSV pipes drained into nothing: the export without compression and upload; parse threads 1 is one thread, " +
        "more is the reader finding records and that many threads making the rows (EXPORT_PARSE_THREADS).",
        ["source", "parse threads", "JSON MB", "CSV MB", "wall s", "CPU s", "JSON MB/s", "CSV MB/s", "date", "load"], 2);

    public static async Task<StageResult> RunAsync(BenchOptions options, CancellationToken ct)
    {
        await using var source = await DemoSourceProcess.StartAsync(options, ct);
        return await MeasureAsync(options, source, ct);
    }

    /// <summary>The stage against a source already running (the sweep's).</summary>
    public static async Task<StageResult> MeasureAsync(BenchOptions options, DemoSourceProcess source, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var errors = new List<string>();
        var columns = S3ZipExport.Settings.ColumnListParser.Parse(ExportBenchmark.Columns, errors);
        var loadBefore = MachineInfo.LoadAverage();

        var cpuAtStart = Environment.CpuUsage.TotalTime;
        var allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        using var response = await http.GetAsync(source.EventsUrl(options.SizeMB), HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var parseThreads = options.ParseThreads ?? 1;
        await using var stage = new CsvStage(columns, parseThreads, ct);
        var csv = stage.Csv;
        var records = new JsonRecordReader(body, ["events"], "application/json", stage.Extraction);
        await records.ReadAsync(stage.Sink, ct);
        await stage.CompleteAsync();
        var seconds = wall.Elapsed.TotalSeconds;
        var allocatedMB = (GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart) / 1e6;
        var cpu = (Environment.CpuUsage.TotalTime - cpuAtStart).TotalSeconds;

        var line = string.Create(CultureInfo.InvariantCulture,
            $"csv parse_threads={parseThreads} input_mb={records.BytesRead / 1e6:F1} csv_mb={csv.BytesWritten / 1e6:F1} records={records.RecordCount} wall_s={seconds:F2} allocated_mb={allocatedMB:F1} cpu_s={cpu:F2} " +
            $"input_mb_s={records.BytesRead / 1e6 / seconds:F1} csv_mb_s={csv.BytesWritten / 1e6 / seconds:F1} | source={options.SourceName} | " +
            $"cores={Environment.ProcessorCount} load_before=\"{loadBefore}\" load_after=\"{MachineInfo.LoadAverage()}\"");
        string[] row = [options.SourceName, parseThreads.ToString(CultureInfo.InvariantCulture), ResultFiles.F(records.BytesRead / 1e6, 1), ResultFiles.F(csv.BytesWritten / 1e6, 1), ResultFiles.F(seconds, 2),
            ResultFiles.F(cpu, 2), ResultFiles.F(records.BytesRead / 1e6 / seconds, 1), ResultFiles.F(csv.BytesWritten / 1e6 / seconds, 1),
            .. ResultFiles.Stamp(loadBefore)];
        return new StageResult(line, Table, [row], csv.BytesWritten / 1e6 / seconds);
    }
}
