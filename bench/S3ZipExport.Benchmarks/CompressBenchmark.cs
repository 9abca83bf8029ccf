using System.Diagnostics;
using System.Globalization;
using S3ZipExport.Archive;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The compression stage alone: export-shaped CSV from memory through ZipStreamWriter at --threads into
/// Stream.Null, then the same bytes through one DeflateStream (the floor). Nothing else competes for the cores.
/// </summary>
internal static class CompressBenchmark
{
    public static readonly ResultTable Table = new("compress.md",
        $"{ResultFiles.OnThisMachine}, `--stage compress`: export-shaped CSV from memory through the ZIP writer, and through " +
        "one `DeflateStream` at the same level (the floor, single thread). MB/s of CSV.",
        ["level", "threads", "CSV MB", "ZIP MB", "wall s", "CPU s", "CSV MB/s", "floor MB/s", "ratio", "date", "load"], 2);

    public static async Task<StageResult> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var threads = options.ThreadsOrCores;
        var block = await CsvCorpus.BuildAsync(Math.Min((long)(options.SizeMB * 1e6), 56_000_000), ct);
        var length = (long)(options.SizeMB * 1e6);
        var loadBefore = MachineInfo.LoadAverage();

        var cpuAtStart = Environment.CpuUsage.TotalTime;
        var allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        var zip = new ZipStreamWriter(Stream.Null, options.Level, threads);
        await zip.WriteEntryAsync("events.csv", DateTimeOffset.UtcNow, new CsvCorpus.Repeating(block, length), ct);
        await zip.FinishAsync(ct);
        var seconds = wall.Elapsed.TotalSeconds;
        var allocatedMB = (GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart) / 1e6;
        var cpu = (Environment.CpuUsage.TotalTime - cpuAtStart).TotalSeconds;

        using var floor = new DeflateFloor(options.Level);
        var source = new CsvCorpus.Repeating(block, length);
        var buffer = new byte[ObjectReadBack.BlockBytes];
        int read;
        while ((read = source.Read(buffer)) > 0) floor.Write(buffer.AsSpan(0, read));
        var floorMBps = floor.Finish();
        var mbps = length / 1e6 / seconds;

        var line = string.Create(CultureInfo.InvariantCulture,
            $"compress csv_mb={length / 1e6:F1} zip_mb={zip.BytesWritten / 1e6:F1} wall_s={seconds:F2} allocated_mb={allocatedMB:F1} cpu_s={cpu:F2} csv_mb_s={mbps:F1} " +
            $"floor_mb_s={floorMBps:F1} ratio={mbps / floorMBps:F2} | level={options.LevelName} threads={threads} | " +
            $"cores={Environment.ProcessorCount} load_before=\"{loadBefore}\" load_after=\"{MachineInfo.LoadAverage()}\"");
        string[] row = [options.LevelName, threads.ToString(CultureInfo.InvariantCulture), ResultFiles.F(length / 1e6, 1), ResultFiles.F(zip.BytesWritten / 1e6, 1),
            ResultFiles.F(seconds, 2), ResultFiles.F(cpu, 2), ResultFiles.F(mbps, 1), ResultFiles.F(floorMBps, 1), ResultFiles.F(mbps / floorMBps, 2),
            .. ResultFiles.Stamp(loadBefore)];
        return new StageResult(line, Table, [row], mbps, floorMBps);
    }
}
