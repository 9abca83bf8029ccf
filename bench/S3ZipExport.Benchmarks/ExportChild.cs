using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using S3ZipExport.Contract;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The export itself, in the child process <see cref="ExportChildProcess"/> starts: the handler built as the Lambda
/// runtime builds it (settings from this process's environment) and called once, or, sliced, as many times as the
/// state machine would call it (<see cref="StateMachineLoop"/>). Prints one JSON line of figures
/// (<see cref="ExportFigures"/>) on stdout, the only line there: the function's own log lines are kept in memory,
/// and only its start line (for the compression threads it chose) and its cut lines are read. The HTTP requests the
/// function sends are counted by kind (<see cref="HttpRequestCounter"/>).
/// </summary>
internal static class ExportChild
{
    /// <summary>The internal command-line flag that makes the benchmark this child.</summary>
    public const string Flag = "--child";

    /// <summary>After <see cref="Flag"/>: run the export as one of several invocations, to its end.</summary>
    public const string SlicedFlag = "--sliced";

    public static async Task<int> RunAsync(bool sliced, CancellationToken ct)
    {
        var stdout = Console.Out;
        var log = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(log));
        ExportSummary summary;
        double[] invocationSeconds;
        double wallSeconds, cpuSeconds, peakHeapMB, allocatedMB;
        using var requests = new HttpRequestCounter(new Uri(Environment.GetEnvironmentVariable(SettingNames.S3Endpoint)!),
            new Uri(Environment.GetEnvironmentVariable(SettingNames.SourceUrl)!), Environment.GetEnvironmentVariable(SettingNames.StatePrefix));
        try
        {
            await using var sampler = new ResourceSampler();
            var allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
            var wall = Stopwatch.StartNew();
            if (sliced) (summary, invocationSeconds) = await StateMachineLoop.RunAsync(new Function(), ct);
            else
            {
                await using (var result = await new Function().HandleAsync(new MemoryStream("{}"u8.ToArray())))
                    summary = (await JsonSerializer.DeserializeAsync(result, ExportSummaryJson.Default.ExportSummary, ct))!;
                invocationSeconds = [wall.Elapsed.TotalSeconds];
            }
            wallSeconds = wall.Elapsed.TotalSeconds;
            allocatedMB = (GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart) / 1e6;
            cpuSeconds = sampler.CpuSeconds;
            await sampler.DisposeAsync();
            peakHeapMB = sampler.PeakGcHeapMB;
        }
        finally
        {
            Console.SetOut(stdout);
        }
        // Where resident memory went at the end (anonymous vs file-backed) and how many threads: for diagnosis.
        var status = File.ReadLines("/proc/self/status").Where(l => l.StartsWith("RssAnon:") || l.StartsWith("RssFile:") || l.StartsWith("Threads:"));
        await Console.Error.WriteLineAsync("child: " + string.Join(" ", status.Select(l => string.Join("", l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))) +
            $" threadpool={ThreadPool.ThreadCount} gc_committed_mb={GC.GetGCMemoryInfo().TotalCommittedBytes / 1e6:F1} gc_heap_mb={GC.GetGCMemoryInfo().HeapSizeBytes / 1e6:F1} fragmented_mb={GC.GetGCMemoryInfo().FragmentedBytes / 1e6:F1}");
        var figures = new ExportFigures(summary, wallSeconds, cpuSeconds, allocatedMB, ResourceSampler.PeakRssMB(), peakHeapMB,
            ResourceSampler.Collections, ResourceSampler.HeapAfterLastFullGcMB,
            LiveAfterMB: GC.GetTotalMemory(forceFullCollection: true) / 1e6,
            GcLimitMB: GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e6,
            ProcessorCount: Environment.ProcessorCount, CompressionThreads: StartedWithThreads(log.ToString()), CpuCgroup: CpuQuotaGroup.Current())
        {
            InvocationSeconds = invocationSeconds,
            Cuts = CutFigures.FromLog(log.ToString()),
            Requests = requests.Counts,
        };
        await stdout.WriteLineAsync(JsonSerializer.Serialize(figures, ExportFiguresJson.Default.ExportFigures));
        await stdout.FlushAsync(ct);
        return 0;
    }

    /// <summary>compressionThreads from the function's "export started" line (0 if there is none): what it chose when not told.</summary>
    private static int StartedWithThreads(string log)
    {
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{') || !line.Contains("\"compressionThreads\"", StringComparison.Ordinal)) continue;
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("compressionThreads", out var threads) && threads.TryGetInt32(out var n)) return n;
        }
        return 0;
    }
}

/// <summary>
/// What the child measured: the handler's summary, its wall and CPU time, bytes allocated, the process's peak RSS
/// (VmHWM, start-up included), the GC heap's peak, collections per generation, the heap after the last full GC, what
/// the export left alive, the memory the GC believes it has (the hard limit, when one is set), the processors the
/// runtime sees (DOTNET_PROCESSOR_COUNT, else the cores or its cgroup's quota rounded up) and the compression threads
/// the function ran with, and the process's group in the cgroup-v1 cpu hierarchy (to check that a quota applied).
/// WallSeconds and CpuSeconds cover every invocation of a sliced export.
/// </summary>
internal sealed record ExportFigures(ExportSummary Summary, double WallSeconds, double CpuSeconds, double AllocatedMB, double PeakRssMB,
    double PeakGcHeapMB, string Collections, double FullGcHeapMB, double LiveAfterMB, double GcLimitMB, int ProcessorCount, int CompressionThreads, string CpuCgroup)
{
    /// <summary>Each invocation's wall time: one, unless sliced.</summary>
    public double[] InvocationSeconds { get; init; } = [];

    /// <summary>The cuts the function logged: none, unless sliced.</summary>
    public List<CutFigures> Cuts { get; init; } = [];

    /// <summary>The HTTP requests the function sent, by kind (<see cref="HttpRequestCounter.KindOf"/>).</summary>
    public Dictionary<string, int> Requests { get; init; } = [];
}

[JsonSerializable(typeof(ExportFigures))]
internal sealed partial class ExportFiguresJson : JsonSerializerContext;
