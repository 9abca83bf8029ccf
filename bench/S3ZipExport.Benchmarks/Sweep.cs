using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// <c>--sweep</c>: the export at each Lambda memory size (its GC limit and, by a cgroup quota, its CPU share), level,
/// compression threads and processors seen, printed as one table and written to sweep.md in the results folder,
/// after the stage ceilings (parse, csv, compress at one thread), which go to their own files. Sizes whose share is
/// more than this machine's cores, or every size where no quota can be set, are predicted from the ceilings.
/// </summary>
internal static class Sweep
{
    public const string FileName = "sweep.md";

    public static readonly string[] Header =
    [
        "memory MB", "vCPU share", "level", "threads", "seen", "wall s", "CPU s", "CSV MB/s", "CPU s/GB JSON", "CPU s/GB CSV", "quota use",
        "peak RSS MB", "vs best", "GB CSV in 15 min", "$ per GB CSV",
    ];

    public static async Task<string> RunAsync(BenchOptions options, string[] args, CancellationToken ct)
    {
        var plan = options.Sweep;
        var cores = Environment.ProcessorCount;
        var unavailable = CpuQuotaGroup.Unavailable;
        var measured = unavailable is null ? plan.MemoryMB.Where(m => LambdaModel.Share(m) <= cores).ToArray() : [];
        var predicted = plan.MemoryMB.Except(measured).ToArray();
        var references = plan.Threads.OfType<int>().DefaultIfEmpty(cores).Distinct().ToArray();
        var runs = measured.Length * plan.Levels.Length * plan.Threads.Length * plan.Processors.Length * plan.Repeat;
        var directory = options.ResultsPath;
        var clock = Stopwatch.StartNew();

        if (unavailable is not null)
            Note($"CPU quota NOT applied: {unavailable}. No memory size is measured; the sweep runs unconstrained and predicts every size.");
        Note(string.Create(CultureInfo.InvariantCulture,
            $"{options.SizeMB} MB of JSON; {runs} runs at {Sizes(measured)} MB × {string.Join(", ", plan.Levels.Select(BenchOptions.Name))} × threads " +
            $"{string.Join(", ", plan.Threads.Select(t => t?.ToString(CultureInfo.InvariantCulture) ?? "default"))} × processors seen {string.Join(", ", plan.Processors)}" +
            $"{(plan.Repeat > 1 ? $" × {plan.Repeat}" : "")}, after {plan.Levels.Length * references.Length} unconstrained; predicted: {Sizes(predicted)}; results to {directory}"));

        // The stage ceilings: parse and CSV on one core, compression per thread.
        var find = Stage(await ParseBenchmark.RunAsync(options, ct), directory).FindMBps;
        await using var rig = await ExportRig.StartAsync(options, ct);
        var parse = Stage(await CsvBenchmark.MeasureAsync(options, rig.Source, ct), directory);
        var compress = new Dictionary<CompressionLevel, StageResult>();
        foreach (var level in plan.Levels)
            compress[level] = Stage(await CompressBenchmark.RunAsync(options with { Level = level, Threads = 1 }, ct), directory);

        var loadBefore = MachineInfo.LoadAverage();
        var unconstrained = new List<ExportRun>();
        foreach (var level in plan.Levels)
            foreach (var threads in references)
                unconstrained.Add(await RunAsync(rig, new ExportSpec(options.LambdaMemoryMB, false, level, threads, null), "unconstrained", ct));
        Note($"about {Estimate(unconstrained, measured, plan) / 60:F0} min to go");

        var lambda = new List<ExportRun>();
        var done = 0;
        foreach (var level in plan.Levels)
            foreach (var memory in measured)
                foreach (var seen in plan.Processors)
                    foreach (var threads in plan.Threads)
                        for (var i = 0; i < plan.Repeat; i++)
                            lambda.Add(await RunAsync(rig, new ExportSpec(memory, true, level, threads, seen), $"{++done}/{runs}", ct));

        var text = Markdown(options, args, unavailable, unconstrained, lambda, predicted, new Ceilings(parse.MBps, find), compress, loadBefore);
        ResultFiles.Write(Path.Join(directory, FileName), text);
        Note($"{clock.Elapsed.TotalMinutes:F1} min; wrote {Path.Join(directory, FileName)} and the stage files beside it");
        return text;
    }

    private static StageResult Stage(StageResult stage, string directory)
    {
        Note(stage.Line);
        stage.Record(directory);
        return stage;
    }

    private static async Task<ExportRun> RunAsync(ExportRig rig, ExportSpec spec, string progress, CancellationToken ct)
    {
        var run = await rig.RunAsync(spec, withFloor: false, ct);
        if (!run.Check.Ok) throw new InvalidOperationException($"The export's object did not verify: {run.Check.Problems}");
        if (spec.CpuQuota && !run.QuotaApplied) throw new InvalidOperationException($"The CPU quota could not be set: {run.QuotaProblem}");
        Note(string.Create(CultureInfo.InvariantCulture,
            $"[{progress}] {Memory(run)} {spec.LevelName} threads={run.Threads} seen={run.Child.ProcessorCount}: wall {run.Child.WallSeconds:F2} s, " +
            $"CPU {run.Child.CpuSeconds:F2} s, {(run.QuotaApplied ? "quota" : "core")} use {run.QuotaUse:F2}{(run.QuotaApplied ? $", {run.Throttling}" : "")}"));
        return run;
    }

    /// <summary>
    /// Seconds the measured runs will take: each needs the CPU its level's unconstrained runs needed, at its share
    /// (at most the cores), plus what an unconstrained run took besides its export (start, read-back, check).
    /// </summary>
    private static double Estimate(List<ExportRun> unconstrained, int[] measured, SweepPlan plan)
    {
        var seconds = 0.0;
        foreach (var level in plan.Levels)
        {
            var runs = unconstrained.Where(r => r.Spec.Level == level).ToList();
            var cpu = runs.Average(r => r.Child.CpuSeconds);
            var overhead = runs.Average(r => r.TotalSeconds - r.Child.WallSeconds);
            seconds += measured.Sum(m => cpu / Math.Min(LambdaModel.Share(m), Environment.ProcessorCount) + overhead)
                       * plan.Threads.Length * plan.Processors.Length * plan.Repeat;
        }
        return seconds;
    }

    private static string Markdown(BenchOptions options, string[] args, string? unavailable, List<ExportRun> unconstrained, List<ExportRun> lambda,
        int[] predicted, Ceilings parse, Dictionary<CompressionLevel, StageResult> compress, string loadBefore)
    {
        var first = unconstrained[0];
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture,
                $"{ResultFiles.OnThisMachine}, {ResultFiles.Today}, `{string.Join(' ', args)}`: {first.InputMB:F1} MB of Connpass-shaped JSON → {first.CsvMB:F1} MB ")
            .Append(CultureInfo.InvariantCulture, $"of CSV, {options.PartMiB} MiB parts, upload concurrency {options.Concurrency}, source {options.SourceName}.\n\n");

        var rows = new List<string[]>();
        foreach (var level in options.Sweep.Levels)
        {
            rows.AddRange(unconstrained.Where(r => r.Spec.Level == level).Select(r => Row(r, "–")));
            var ofLevel = lambda.Where(r => r.Spec.Level == level).ToList();
            rows.AddRange(ofLevel.Select(r => Row(r, VersusBest(r, ofLevel))));
            var reference = unconstrained.Where(r => r.Spec.Level == level).MaxBy(r => r.Child.CompressionThreads)!;
            rows.AddRange(predicted.Select(m => Prediction(m, reference, parse, compress[level].MBps)));
        }
        text.Append(ResultFiles.Table(Header, rows)).Append('\n');

        text.Append(unavailable is null
                ? $"- CPU: each memory size ran under a cgroup-v1 quota of memory ÷ {LambdaModel.MemoryMBPerVcpu:N0} vCPU (period {CpuQuotaGroup.PeriodMicroseconds / 1000} ms) " +
                  "on the exporter process only, with Lambda's GC limit (75 % of memory). \"seen\": the processors the runtime saw (DOTNET_PROCESSOR_COUNT).\n"
                : $"- CPU: **quota NOT applied** ({unavailable}). No memory size was measured; every memory row is predicted.\n")
            .Append(CultureInfo.InvariantCulture,
                $"- \"unconstrained\": no quota ({Environment.ProcessorCount} cores, shared with the source and s3rver), GC limit of {LambdaModel.Format(options.LambdaMemoryMB)} MB; " +
                $"\"quota use\" there is CPU s ÷ (wall s × cores).\n")
            .Append($"- Cost: duration only, {LambdaModel.PriceSource}.\n");
        if (predicted.Length > 0)
            text.Append(CultureInfo.InvariantCulture,
                $"- Predicted: CSV MB/s = the least of the share × 1,000 ÷ the CPU s per GB of CSV of the unconstrained run with the most threads (\"CPU\"), " +
                $"the csv stage's {parse.CsvMBps:F1} MB/s of CSV on one core (\"parse\"), and the compress stage's MB/s at one thread " +
                $"({string.Join(", ", compress.Select(c => $"{BenchOptions.Name(c.Key)} {c.Value.MBps:F1}"))}) × threads (\"compress\"); one compression thread per vCPU. " +
                $"Where the function's default has parse threads (EXPORT_PARSE_THREADS), \"parse\" is the least of that many × the csv stage's figure and " +
                $"the parse stage's {parse.FindJsonMBps:F1} MB/s of JSON finding records alone (as CSV), and that finding is added to the CPU s per GB.\n");
        text.Append(CultureInfo.InvariantCulture,
                $"- Floor, `DeflateStream` alone on one thread (`--stage compress`): {string.Join(", ", compress.Select(c => $"{BenchOptions.Name(c.Key)} {1000 / c.Value.FloorMBps:F2}"))} CPU s per GB of CSV; ")
            .Append(CultureInfo.InvariantCulture,
                $"the unconstrained exports used {string.Join(", ", unconstrained.Select(r => $"{r.CpuSecondsPerGBCsv * compress[r.Spec.Level].FloorMBps / 1000:F2}× ({r.Spec.LevelName}, threads {r.Threads})"))} that.\n")
            .Append($"- Load average before the exports: {loadBefore}; after: {MachineInfo.LoadAverage()}.\n");
        return text.ToString();
    }

    private static string[] Row(ExportRun r, string versusBest) =>
    [
        Memory(r), r.QuotaApplied ? ResultFiles.F(r.Share!.Value, 2) : $"{Environment.ProcessorCount} cores", r.Spec.LevelName, r.Threads,
        r.Child.ProcessorCount.ToString(CultureInfo.InvariantCulture), ResultFiles.F(r.Child.WallSeconds, 2), ResultFiles.F(r.Child.CpuSeconds, 2),
        ResultFiles.F(r.CsvMBps, 1), ResultFiles.F(r.CpuSecondsPerGBJson, 2), ResultFiles.F(r.CpuSecondsPerGBCsv, 2), ResultFiles.F(r.QuotaUse, 2),
        ResultFiles.F(r.Child.PeakRssMB, 1), versusBest, r.GBPer15Minutes is { } gb ? ResultFiles.F(gb, 1) : "–",
        r.CostPerGBCsv is { } usd ? usd.ToString("F5", CultureInfo.InvariantCulture) : "–",
    ];

    /// <summary>A measured row's wall time against the fastest run of its memory size, level and processors seen.</summary>
    private static string VersusBest(ExportRun r, List<ExportRun> runs)
    {
        var best = runs.Where(o => o.Spec.MemoryMB == r.Spec.MemoryMB && o.Child.ProcessorCount == r.Child.ProcessorCount).Min(o => o.Child.WallSeconds);
        return r.Child.WallSeconds <= best ? "best" : string.Create(CultureInfo.InvariantCulture, $"+{(r.Child.WallSeconds / best - 1) * 100:F1} %");
    }

    /// <summary>The parse stage's ceilings: rows on one core (csv stage, MB/s of CSV), and finding records alone (parse stage, MB/s of JSON).</summary>
    private sealed record Ceilings(double CsvMBps, double FindJsonMBps);

    /// <summary>
    /// A predicted row: the least of the three ceilings, at one compression thread per vCPU of the share and the
    /// function's default parse threads for the memory size and level; with parse threads, the reader finding
    /// records bounds the parse stage too, and finding them costs CPU on top of the reference's.
    /// </summary>
    private static string[] Prediction(int memoryMB, ExportRun reference, Ceilings parse, double compressMBpsPerThread)
    {
        var share = LambdaModel.Share(memoryMB);
        var threads = (int)Math.Ceiling(share);
        var parseThreads = S3ZipExport.Runtime.CpuShare.ParseThreads(memoryMB, reference.Spec.Level);
        var csvPerJson = reference.CsvMB / reference.InputMB;
        var (parseMBps, cpuPerGBCsv) = parseThreads > 1
            ? (Math.Min(parseThreads * parse.CsvMBps, parse.FindJsonMBps * csvPerJson), reference.CpuSecondsPerGBCsv + 1000 / parse.FindJsonMBps / csvPerJson)
            : (parse.CsvMBps, reference.CpuSecondsPerGBCsv);
        var (mbps, bound) = new[]
        {
            (share * 1000 / cpuPerGBCsv, "CPU"), (parseMBps, "parse"), (compressMBpsPerThread * threads, "compress"),
        }.MinBy(c => c.Item1);
        var secondsPerGB = 1000 / mbps;
        return
        [
            $"{LambdaModel.Format(memoryMB)} (predicted, {bound}-bound{(parseThreads > 1 ? $", {parseThreads} parse threads" : "")})", ResultFiles.F(share, 2), reference.Spec.LevelName,
            threads.ToString(CultureInfo.InvariantCulture), "–", "–", "–", ResultFiles.F(mbps, 1), ResultFiles.F(cpuPerGBCsv * csvPerJson, 2),
            ResultFiles.F(cpuPerGBCsv, 2), "–",
            "–", "–", ResultFiles.F(mbps * LambdaModel.MaxRunSeconds / 1000, 1), LambdaModel.Cost(memoryMB, secondsPerGB).ToString("F5", CultureInfo.InvariantCulture),
        ];
    }

    private static string Memory(ExportRun r) => r.QuotaApplied ? LambdaModel.Format(r.Spec.MemoryMB) : "unconstrained";

    private static string Sizes(int[] memoryMB) => memoryMB.Length == 0 ? "none" : string.Join(", ", memoryMB.Select(LambdaModel.Format));

    private static void Note(string text) => Console.Error.WriteLine($"sweep: {text}");
}
