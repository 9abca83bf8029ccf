using System.Globalization;
using System.IO.Compression;

namespace S3ZipExport.Benchmarks;

internal enum Stage { Export, Compress, Csv, Parse, Checksum, Sliced, Sweep, Readme }

/// <summary>Where the demo document comes from: a file saved once in /dev/shm (next to no CPU), or generated per request.</summary>
internal enum SourceMode { File, Generated }

/// <summary>
/// What <c>--sweep</c> runs: every memory size × level × threads × processors seen, <see cref="Repeat"/> times; sizes
/// whose vCPU share is more than this machine's cores are predicted, not run. Threads null: the function's default
/// (EXPORT_COMPRESSION_THREADS unset).
/// </summary>
internal sealed record SweepPlan(int[] MemoryMB, CompressionLevel[] Levels, int?[] Threads, int[] Processors, int Repeat)
{
    public static readonly SweepPlan Default = new([512, 1024, 1769, 2048, 3008, 3538, 10_240],
        [CompressionLevel.Optimal, CompressionLevel.Fastest], [1, 2, null], [1, 2], 1);
}

/// <summary>The command line, parsed once.</summary>
internal sealed record BenchOptions(Stage Stage, double SizeMB, CompressionLevel Level, int? Threads, int PartMiB, int Concurrency,
    SourceMode Source, int LambdaMemoryMB, bool CpuQuota, int? ProcessorCount, string? ResultsDirectory, SweepPlan Sweep)
{
    /// <summary>With <c>--sliced</c>: the EXPORT_SLICE_SECONDS of the export run in several invocations, beside the same export in one.</summary>
    public double? SliceSeconds { get; init; }

    /// <summary>EXPORT_PARSE_THREADS of the exports run; for <c>--stage parse</c>, the threads of its last figure (default: one per core).</summary>
    public int? ParseThreads { get; init; }

    /// <summary>Parse threads for the parse stage: --parse-threads, else one per core, at least 2.</summary>
    public int ParseThreadsOrCores => ParseThreads ?? Math.Max(2, Environment.ProcessorCount);

    public const string Usage =
        "usage: S3ZipExport.Benchmarks --size-mb N [--level optimal|fastest] [--threads K|default] [--stage export|compress|csv|parse|checksum] " +
        "[--part-mib 8] [--concurrency 4] [--source file|generated] [--lambda-memory-mb 1024] [--cpu-quota on|off] [--processor-count N|default] " +
        "[--parse-threads K] [--results DIR] [--sliced SECONDS]\n" +
        "       S3ZipExport.Benchmarks --sweep [--size-mb 1000] [--sweep-memory 512,1024,...] [--sweep-levels optimal,fastest] " +
        "[--sweep-threads 1,2,default] [--sweep-processors 1,2] [--repeat 1] [--results DIR]\n" +
        "       S3ZipExport.Benchmarks --readme";

    /// <summary>The size a sweep runs at unless --size-mb says otherwise: the 1 GB of the figures.</summary>
    public const double SweepSizeMB = 1000;

    /// <summary>What the checksum stage hashes unless --size-mb says otherwise: enough for a second or more per figure.</summary>
    public const double ChecksumSizeMB = 4000;

    public string LevelName => Name(Level);

    public string SourceName => Source == SourceMode.Generated ? "generated" : "file";

    public static string Name(CompressionLevel level) => level == CompressionLevel.Fastest ? "fastest" : "optimal";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(Stage.Export, 100, CompressionLevel.Optimal, null, 8, 4, SourceMode.File, 1024, true, null, null, SweepPlan.Default);
        var sizeGiven = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--sweep" or "--readme")
            {
                options = options with { Stage = name == "--sweep" ? Stage.Sweep : Stage.Readme };
                continue;
            }
            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value. {Usage}");
            sizeGiven |= name == "--size-mb";
            options = name switch
            {
                "--size-mb" => options with { SizeMB = double.Parse(value, CultureInfo.InvariantCulture) },
                "--level" => options with { Level = ParseLevel(value) },
                "--threads" => options with { Threads = ParseCount(name, value) },
                "--stage" => options with { Stage = Enum.Parse<Stage>(value, ignoreCase: true) },
                "--part-mib" => options with { PartMiB = int.Parse(value, CultureInfo.InvariantCulture) },
                "--concurrency" => options with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) },
                "--source" => options with
                {
                    Source = value switch
                    {
                        "file" => SourceMode.File,
                        "generated" => SourceMode.Generated,
                        _ => throw new ArgumentException($"--source must be file or generated, got '{value}'."),
                    },
                },
                "--lambda-memory-mb" => options with { LambdaMemoryMB = ParseMemory(value) },
                "--cpu-quota" => options with
                {
                    CpuQuota = value switch
                    {
                        "on" => true,
                        "off" => false,
                        _ => throw new ArgumentException($"--cpu-quota must be on or off, got '{value}'."),
                    },
                },
                "--processor-count" => options with { ProcessorCount = ParseCount(name, value) },
                "--parse-threads" => options with { ParseThreads = ParseCount(name, value) },
                "--results" => options with { ResultsDirectory = Path.GetFullPath(value) },
                "--sweep-memory" => options with { Sweep = options.Sweep with { MemoryMB = List(value, ParseMemory) } },
                "--sweep-levels" => options with { Sweep = options.Sweep with { Levels = List(value, ParseLevel) } },
                "--sweep-threads" => options with { Sweep = options.Sweep with { Threads = List(value, v => ParseCount(name, v)) } },
                "--sweep-processors" => options with
                {
                    Sweep = options.Sweep with { Processors = List(value, v => ParseCount(name, v) ?? throw new ArgumentException($"{name} takes numbers.")) },
                },
                "--sliced" => options with { Stage = Stage.Sliced, SliceSeconds = ParseSliceSeconds(value) },
                "--repeat" => options with { Sweep = options.Sweep with { Repeat = Math.Max(1, int.Parse(value, CultureInfo.InvariantCulture)) } },
                _ => throw new ArgumentException($"Unknown option '{name}'. {Usage}"),
            };
        }
        if (options.Stage == Stage.Sweep && !sizeGiven) options = options with { SizeMB = SweepSizeMB };
        if (options.Stage == Stage.Checksum && !sizeGiven) options = options with { SizeMB = ChecksumSizeMB };
        if (options.Stage == Stage.Sliced && options.SliceSeconds is null) throw new ArgumentException($"--stage sliced needs --sliced SECONDS. {Usage}");
        if (options.Stage != Stage.Sliced && options.SliceSeconds is not null)
            throw new ArgumentException($"--sliced runs a benchmark of its own; it does not go with --stage {options.Stage.ToString().ToLowerInvariant()} or --sweep.");
        if (options.Stage == Stage.Sliced && options.Source == SourceMode.Generated)
            throw new ArgumentException("--sliced needs --source file: a resumed JSON document is read on with Range requests, which the generated source does not answer.");
        if (options.SizeMB <= 0) throw new ArgumentException("--size-mb must be positive.");
        return options;
    }

    private static CompressionLevel ParseLevel(string value) => value switch
    {
        "optimal" => CompressionLevel.Optimal,
        "fastest" => CompressionLevel.Fastest,
        _ => throw new ArgumentException($"The level must be optimal or fastest, got '{value}'."),
    };

    /// <summary>Seconds as EXPORT_SLICE_SECONDS takes them: decimals allowed, 0.1 to a day.</summary>
    private static double ParseSliceSeconds(string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0.1 and <= 86_400 ? seconds
        : throw new ArgumentException($"--sliced must be seconds from 0.1 to 86400 (EXPORT_SLICE_SECONDS), got '{value}'.");

    /// <summary>A count of 1 to 64, or "default" (null): the function's or the runtime's own choice.</summary>
    private static int? ParseCount(string name, string value) =>
        value == "default" ? null
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64 ? n
        : throw new ArgumentException($"{name} must be 1 to 64 or default, got '{value}'.");

    private static int ParseMemory(string value)
    {
        var memory = int.Parse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        return memory is >= LambdaModel.MinMemoryMB and <= LambdaModel.MaxMemoryMB
            ? memory
            : throw new ArgumentException($"A Lambda memory size must be {LambdaModel.MinMemoryMB} to {LambdaModel.MaxMemoryMB} MB, got {value}.");
    }

    private static T[] List<T>(string value, Func<string, T> parse) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToArray();

    /// <summary>Compression threads for the stages that run in this process: --threads, else one per core.</summary>
    public int ThreadsOrCores => Threads ?? Environment.ProcessorCount;

    /// <summary>Where result files go: --results, else bench/results/&lt;machine&gt; in the checkout.</summary>
    public string ResultsPath => ResultsDirectory ?? ResultFiles.DefaultDirectory();
}
