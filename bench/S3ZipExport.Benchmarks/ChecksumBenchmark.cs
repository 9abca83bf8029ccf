using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using S3ZipExport.Upload;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// <c>--stage checksum</c>: what the object's checksum costs, with the upload path's own code (Upload/ObjectUploadStream):
/// every part hashed once as it goes up (<see cref="FullObjectChecksumMath.Hash"/>: System.IO.Hashing's one-shot
/// Crc64 with the NVME parameters, or Crc32), and the whole object's value combined from the parts' values
/// (<see cref="FullObjectChecksumMath.Combine"/>, Hashing/CrcCombination), against what the combination saves:
/// hashing the whole object a second time (one incremental hash over every part). --size-mb of object in parts of
/// --part-mib, taken in turn from --concurrency + 1 buffers of seeded random bytes (as many parts as the upload holds
/// at once, so they are not all in cache); one thread; the same work every run.
/// </summary>
internal static class ChecksumBenchmark
{
    /// <summary>
    /// What the shares are taken against, from the export benchmark (README, "Performance"; issue #12.2): the export's
    /// CPU per GB of JSON, and the GB of ZIP a GB of JSON makes at level optimal (1 GB of JSON → 172 MB). Printed
    /// with every result; rerun <c>--stage export</c> for this machine's and give them here if they differ.
    /// </summary>
    public const double ExportCpuSecondsPerGBJson = 13.4, ZipGBPerGBJson = 0.172;

    /// <summary>Combinations timed per algorithm: each takes well under a microsecond, so many are needed for a figure.</summary>
    private const int Combinations = 200_000;

    private const int Seed = 12;

    public static readonly ResultTable Table = new("checksum.md",
        $"{ResultFiles.OnThisMachine}, `--stage checksum`: parts of random bytes hashed as the upload hashes each part, the parts' values " +
        "combined into the object's as the upload does, and the alternative: the whole object hashed a second time. One thread. " +
        $"Shares of the export's CPU taken at {ExportCpuSecondsPerGBJson} CPU s per GB of JSON and {ZipGBPerGBJson} GB of ZIP per GB of JSON.",
        ["checksum", "part MiB", "GB", "hash MB/s", "hash CPU s/GB", "combine µs/part", "combine CPU s/GB", "second pass MB/s", "second pass CPU s/GB",
         "% export CPU: hash", "combine", "second pass", "date", "load"], 2);

    private sealed record Figures(FullObjectChecksum Algorithm, double HashSeconds, double HashCpuSeconds, double CombineCpuSeconds, int Combined,
        double SecondPassSeconds, double SecondPassCpuSeconds, bool Agree);

    public static StageResult Run(BenchOptions options, CancellationToken ct)
    {
        var partBytes = options.PartMiB * (1L << 20);
        var parts = (int)Math.Max(2, Math.Ceiling(options.SizeMB * 1e6 / partBytes));
        var random = new Random(Seed);
        var buffers = new byte[options.Concurrency + 1][];
        for (var i = 0; i < buffers.Length; i++)
        {
            buffers[i] = GC.AllocateUninitializedArray<byte>((int)partBytes);
            random.NextBytes(buffers[i]);
        }
        var loadBefore = MachineInfo.LoadAverage();
        var figures = new List<Figures>();
        foreach (var algorithm in new[] { FullObjectChecksum.Crc64Nvme, FullObjectChecksum.Crc32 })
        {
            ct.ThrowIfCancellationRequested();
            figures.Add(Measure(algorithm, buffers, parts, partBytes));
        }

        var gb = parts * partBytes / 1e9;
        var line = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"checksum part_mib={options.PartMiB} parts={parts} gb={gb:F2} buffers={buffers.Length} |"));
        var rows = new List<string[]>();
        foreach (var f in figures)
        {
            var hashCpuPerGB = f.HashCpuSeconds / gb;
            var combineMicroseconds = f.CombineCpuSeconds / f.Combined * 1e6;
            var combineCpuPerGB = combineMicroseconds / 1e6 * (1e9 / partBytes);
            var secondCpuPerGB = f.SecondPassCpuSeconds / gb;
            line.Append(CultureInfo.InvariantCulture,
                $" {f.Algorithm.S3Name().ToLowerInvariant()} hash_mb_s={gb * 1000 / f.HashSeconds:F0} hash_cpu_s_per_gb={hashCpuPerGB:F4} " +
                $"combine_us_per_part={combineMicroseconds:F3} combine_cpu_s_per_gb={combineCpuPerGB:F6} " +
                $"second_pass_mb_s={gb * 1000 / f.SecondPassSeconds:F0} second_pass_cpu_s_per_gb={secondCpuPerGB:F4} " +
                $"export_cpu_share: hash={Share(hashCpuPerGB)} combine={Share(combineCpuPerGB)} second_pass={Share(secondCpuPerGB)} |");
            rows.Add([f.Algorithm.S3Name(), options.PartMiB.ToString(CultureInfo.InvariantCulture), ResultFiles.F(gb, 2),
                ResultFiles.F(gb * 1000 / f.HashSeconds, 0),
                ResultFiles.F(hashCpuPerGB, 4), ResultFiles.F(combineMicroseconds, 3), ResultFiles.F(combineCpuPerGB, 6),
                ResultFiles.F(gb * 1000 / f.SecondPassSeconds, 0), ResultFiles.F(secondCpuPerGB, 4),
                Share(hashCpuPerGB), Share(combineCpuPerGB), Share(secondCpuPerGB), .. ResultFiles.Stamp(loadBefore)]);
        }
        line.Append(CultureInfo.InvariantCulture,
            $" shares of export_cpu_s_per_gb_json={ExportCpuSecondsPerGBJson} at zip_gb_per_gb_json={ZipGBPerGBJson} | " +
            $"cores={Environment.ProcessorCount} load_before=\"{loadBefore}\" load_after=\"{MachineInfo.LoadAverage()}\" | ")
            .Append(figures.All(f => f.Agree) ? "verify=ok (combined = second pass, both algorithms)"
                : $"verify=FAILED: combined ≠ second pass for {string.Join(", ", figures.Where(f => !f.Agree).Select(f => f.Algorithm.S3Name()))}");
        return new StageResult(line.ToString(), Table, [.. rows], gb * 1000 / figures[0].HashSeconds);
    }

    /// <summary>CPU s per GB of object as a share of the export's CPU per GB of JSON, to three figures: "0.135 %", "3.21E-05 %".</summary>
    private static string Share(double cpuSecondsPerGBZip) =>
        (cpuSecondsPerGBZip * ZipGBPerGBJson / ExportCpuSecondsPerGBJson * 100).ToString("G3", CultureInfo.InvariantCulture) + " %";

    private static Figures Measure(FullObjectChecksum algorithm, byte[][] buffers, int parts, long partBytes)
    {
        NonCryptographicHashAlgorithm NewHash() => algorithm == FullObjectChecksum.Crc32 ? new Crc32() : new Crc64(Crc64ParameterSet.Nvme);
        // Compiled and touched before timing.
        _ = algorithm.Hash(buffers[0]);
        _ = algorithm.Combine(1, 2, partBytes);
        NewHash().Append(buffers[0]);

        var values = new ulong[parts];
        var (hashSeconds, hashCpu) = Time(() =>
        {
            for (var i = 0; i < parts; i++) values[i] = algorithm.Hash(buffers[i % buffers.Length]);
        });

        // As ObjectUploadStream completes the object: the first part's value, combined with each next one's.
        var combined = 0UL;
        var passes = Math.Max(1, Combinations / (parts - 1));
        var (_, combineCpu) = Time(() =>
        {
            for (var pass = 0; pass < passes; pass++)
            {
                combined = values[0];
                for (var i = 1; i < parts; i++) combined = algorithm.Combine(combined, values[i], partBytes);
            }
        });

        var whole = NewHash();
        var (secondSeconds, secondCpu) = Time(() =>
        {
            for (var i = 0; i < parts; i++) whole.Append(buffers[i % buffers.Length]);
        });
        var wholeValue = whole is Crc32 crc32 ? crc32.GetCurrentHashAsUInt32() : ((Crc64)whole).GetCurrentHashAsUInt64();
        return new Figures(algorithm, hashSeconds, hashCpu, combineCpu, passes * (parts - 1), secondSeconds, secondCpu, combined == wholeValue);
    }

    /// <summary>Wall and CPU seconds of <paramref name="work"/> (the process's CPU: nothing else runs in it meanwhile).</summary>
    private static (double Wall, double Cpu) Time(Action work)
    {
        var cpuAtStart = Environment.CpuUsage.TotalTime;
        var wall = Stopwatch.StartNew();
        work();
        return (wall.Elapsed.TotalSeconds, (Environment.CpuUsage.TotalTime - cpuAtStart).TotalSeconds);
    }
}
