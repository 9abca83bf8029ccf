using System.Globalization;
using System.Text;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// <c>--sliced SECONDS</c> (issue #13): the same export, with the export stage's settings (size, level, memory and CPU
/// quota), once in one run and once in several invocations cut every SECONDS (EXPORT_SLICE_SECONDS), as the state
/// machine runs it (<see cref="StateMachineLoop"/>: every invocation in one warm process). What the cuts cost: the
/// difference in wall and CPU seconds, per cut; per cut, the source bytes read again, the tail saved and loaded again,
/// the requests for state and tail, and the parts more than the single run's, against the targets of under 1 s and
/// under one part per cut. Both objects are read back and verified; the CSV of every entry must be the same (SHA-256).
/// </summary>
internal static class SlicedBenchmark
{
    /// <summary>
    /// The issue's targets for one cut. "One part" is judged two ways, both printed: parts more than the single run,
    /// and bytes moved (source read again, plus the tail saved and loaded) against the part size. The tail is where
    /// the cut falls in a part, so on average half a part: saved and loaded, it alone moves about one part per cut.
    /// </summary>
    public const double TargetSecondsPerCut = 1, TargetPartsPerCut = 1;

    public static readonly ResultTable Table = new("sliced.md",
        $"{ResultFiles.OnThisMachine}, `--sliced SECONDS`: the export in one run and in invocations cut every SECONDS (all in one warm " +
        "process, as one Lambda environment; the state machine's transitions not included). Per cut: (sliced − single) wall and CPU " +
        "seconds ÷ cuts, source MB read again, tail MB saved (and loaded again by the next invocation), MB moved (re-read + tail twice), " +
        "state and tail requests, parts more than the single run. Targets: under 1 s and under one part per cut.",
        ["JSON MB", "slice s", "memory MB", "level", "invocations", "single wall s", "single CPU s", "sliced wall s", "sliced CPU s", "s per cut",
         "CPU s per cut", "re-read MB per cut", "tail MB per cut", "MB moved per cut", "state/tail requests per cut", "extra parts per cut", "part MiB", "CSV same",
         "date", "load"], 4);

    public static async Task<StageResult> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var slice = options.SliceSeconds ?? throw new InvalidOperationException("--sliced SECONDS is not set.");
        await using var rig = await ExportRig.StartAsync(options, ct);
        var spec = new ExportSpec(options.LambdaMemoryMB, options.CpuQuota, options.Level, options.Threads, options.ProcessorCount);
        var loadBefore = MachineInfo.LoadAverage();
        var single = await rig.RunAsync(spec, withFloor: false, ct);
        await Console.Error.WriteLineAsync($"single: {single.Line(options)}");
        var sliced = await rig.RunAsync(spec, withFloor: false, ct, slice);
        await Console.Error.WriteLineAsync($"sliced: {sliced.Line(options)}");
        if (!sliced.QuotaApplied) await Console.Error.WriteLineAsync($"NOTE: {sliced.CpuLabel}");

        var c = new CutCost(single, sliced, options.PartMiB * (1L << 20));
        var problems = Problems(single, sliced, c);
        var memory = single.QuotaApplied ? options.LambdaMemoryMB.ToString(CultureInfo.InvariantCulture) : "unconstrained";
        var line = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"sliced input_mb={single.InputMB:F1} csv_mb={single.CsvMB:F1} slice_s={slice} ")
            .Append(CultureInfo.InvariantCulture, $"invocations={c.Invocations} cuts={c.Cuts} | ")
            .Append($"single {Figures(single)} | sliced {Figures(sliced)} ")
            .Append(CultureInfo.InvariantCulture, $"invocation_s=\"{string.Join(' ', sliced.Child.InvocationSeconds.Select(s => ResultFiles.F(s, 2)))}\" | ");
        if (c.Cuts == 0) line.Append("per_cut=n/a (no cut: the export ended within one slice; give fewer --sliced seconds or more --size-mb) | ");
        else
            line.Append(CultureInfo.InvariantCulture, $"per_cut wall_s={c.SecondsPerCut:F3} cpu_s={c.CpuSecondsPerCut:F3} ")
                .Append(CultureInfo.InvariantCulture, $"source_reread_mb={c.ReReadBytesPerCut / 1e6:F3} tail_mb={c.TailBytesPerCut / 1e6:F3} (saved, and loaded again) ")
                .Append(CultureInfo.InvariantCulture, $"state_tail_requests={c.StateRequestsPerCut:F1} extra_source_requests={c.ExtraSourceRequestsPerCut:F1} ")
                .Append(CultureInfo.InvariantCulture, $"extra_upload_requests={c.ExtraUploadRequestsPerCut:F1} ")
                .Append(CultureInfo.InvariantCulture, $"extra_parts={c.ExtraPartsPerCut:F2} extra_zip_kb={c.ExtraZipBytesPerCut / 1e3:F1} ")
                .Append(CultureInfo.InvariantCulture, $"bytes_moved_mb={c.BytesMovedPerCut / 1e6:F3} (re-read + tail twice; part {c.PartBytes / 1e6:F3} MB) | ")
                .Append(CultureInfo.InvariantCulture, $"target under {TargetSecondsPerCut} s per cut: {YesNo(c.SecondsPerCut < TargetSecondsPerCut)}; ")
                .Append(CultureInfo.InvariantCulture, $"under {TargetPartsPerCut} part per cut: in parts {YesNo(c.ExtraPartsPerCut < TargetPartsPerCut)}, ")
                .Append(CultureInfo.InvariantCulture, $"in bytes moved {YesNo(c.BytesMovedPerCut < TargetPartsPerCut * c.PartBytes)} | ");
        line.Append(CultureInfo.InvariantCulture, $"cuts=\"{string.Join("; ", sliced.Child.Cuts.Select(Describe))}\" | ")
            .Append(CultureInfo.InvariantCulture, $"lambda_memory_mb={memory} cpu=\"{sliced.CpuLabel}\" level={spec.LevelName} threads={sliced.Threads} ")
            .Append(CultureInfo.InvariantCulture, $"part_mib={options.PartMiB} concurrency={options.Concurrency} source={options.SourceName} ")
            .Append("process=warm (every invocation in one process, as in one warm Lambda environment; one cold start in each run) | ")
            .Append(CultureInfo.InvariantCulture, $"cores={Environment.ProcessorCount} load_before=\"{loadBefore}\" load_after=\"{MachineInfo.LoadAverage()}\" | ")
            .Append(problems.Count == 0
                ? $"verify=ok (both objects: checksum, size, entries' CRC and length; the CSV of all {sliced.Check.Entries.Count} entries the same by SHA-256; " +
                  "records and source bytes equal; no state left)"
                : $"verify=FAILED: {string.Join("; ", problems)}");

        string[] row = [ResultFiles.F(single.InputMB, 1), slice.ToString(CultureInfo.InvariantCulture), memory, spec.LevelName,
            c.Invocations.ToString(CultureInfo.InvariantCulture), ResultFiles.F(single.Child.WallSeconds, 2), ResultFiles.F(single.Child.CpuSeconds, 2),
            ResultFiles.F(sliced.Child.WallSeconds, 2), ResultFiles.F(sliced.Child.CpuSeconds, 2),
            PerCut(c, c.SecondsPerCut, 3), PerCut(c, c.CpuSecondsPerCut, 3), PerCut(c, c.ReReadBytesPerCut / 1e6, 3), PerCut(c, c.TailBytesPerCut / 1e6, 3),
            PerCut(c, c.BytesMovedPerCut / 1e6, 3), PerCut(c, c.StateRequestsPerCut, 1), PerCut(c, c.ExtraPartsPerCut, 2),
            options.PartMiB.ToString(CultureInfo.InvariantCulture),
            problems.Count == 0 ? "yes" : "NO", .. ResultFiles.Stamp(loadBefore)];
        return new StageResult(line.ToString(), Table, [row], sliced.CsvMBps);
    }

    /// <summary>What the sliced export did more than the single one, per cut.</summary>
    private sealed record CutCost(ExportRun Single, ExportRun Sliced, long PartBytes)
    {
        public int Invocations => Sliced.Child.Summary.Invocations;
        public int Cuts => Invocations - 1;
        private double Per(double total) => Cuts == 0 ? double.NaN : total / Cuts;

        public double SecondsPerCut => Per(Sliced.Child.WallSeconds - Single.Child.WallSeconds);
        public double CpuSecondsPerCut => Per(Sliced.Child.CpuSeconds - Single.Child.CpuSeconds);
        public double ReReadBytesPerCut => Per(Sliced.Child.Cuts.Sum(x => x.SourceBytesReadAgain));

        /// <summary>Saved by the cut, and loaded again by the invocation after it.</summary>
        public double TailBytesPerCut => Per(Sliced.Child.Cuts.Sum(x => x.TailBytes));

        public double StateRequestsPerCut => Per(Count(Sliced, "state ") + Count(Sliced, "tail "));

        public double ExtraSourceRequestsPerCut => Per(Count(Sliced, "source ") - Count(Single, "source "));
        public double ExtraUploadRequestsPerCut => Per(Count(Sliced, "upload ") - Count(Single, "upload "));
        public double ExtraPartsPerCut => Per(Sliced.Child.Summary.Parts - Single.Child.Summary.Parts);
        public double ExtraZipBytesPerCut => Per(Sliced.Child.Summary.ZipBytes - Single.Child.Summary.ZipBytes);

        /// <summary>Bytes a cut moves that the single run does not: the source read again, the tail up and down again.</summary>
        public double BytesMovedPerCut => ReReadBytesPerCut + 2 * TailBytesPerCut;

        private static int Count(ExportRun run, string kind) => run.Child.Requests.Where(r => r.Key.StartsWith(kind, StringComparison.Ordinal)).Sum(r => r.Value);
    }

    private static List<string> Problems(ExportRun single, ExportRun sliced, CutCost c)
    {
        var problems = new List<string>();
        if (!single.Check.Ok) problems.Add($"single run's object: {single.Check.Problems}");
        if (!sliced.Check.Ok) problems.Add($"sliced run's object: {sliced.Check.Problems}");
        if (!single.Check.Entries.SequenceEqual(sliced.Check.Entries))
            problems.Add($"the entries differ: single {Entries(single)}, sliced {Entries(sliced)}");
        var (a, b) = (single.Child.Summary, sliced.Child.Summary);
        if (a.Records != b.Records || a.SourceBytes != b.SourceBytes)
            problems.Add($"single run {a.Records} records from {a.SourceBytes} bytes, sliced {b.Records} from {b.SourceBytes}");
        if (sliced.Child.Cuts.Count != c.Cuts) problems.Add($"{sliced.Child.Cuts.Count} cut lines logged for {c.Cuts} cuts");
        if (sliced.StateObjectsLeft != 0) problems.Add($"{sliced.StateObjectsLeft} objects left under {ExportRig.StatePrefix}");
        return problems;
    }

    private static string Figures(ExportRun run) => string.Create(CultureInfo.InvariantCulture,
        $"wall_s={run.Child.WallSeconds:F2} cpu_s={run.Child.CpuSeconds:F2} peak_rss_mb={run.Child.PeakRssMB:F1} parts={run.Child.Summary.Parts} " +
        $"zip_mb={run.Child.Summary.ZipBytes / 1e6:F3} requests=\"{Requests(run)}\"");

    private static string Entries(ExportRun run) => string.Join(", ", run.Check.Entries.Select(e => $"{e.Name} {e.CsvBytes} B {e.Sha256[..12]}"));

    /// <summary>"state GET=2 state PUT=1 …", in a stable order.</summary>
    private static string Requests(ExportRun run) =>
        string.Join(' ', run.Child.Requests.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}"));

    private static string Describe(CutFigures cut) => string.Create(CultureInfo.InvariantCulture,
        $"#{cut.Invocation} at {cut.ElapsedSeconds:F1} s: {cut.Records} records, {cut.Parts} parts, " +
        $"tail {cut.TailBytes / 1e6:F3} MB, re-read {cut.SourceBytesReadAgain / 1e3:F1} kB");

    private static string PerCut(CutCost c, double value, int decimals) => c.Cuts == 0 ? "n/a" : ResultFiles.F(value, decimals);

    private static string YesNo(bool met) => met ? "yes" : "NO";
}
