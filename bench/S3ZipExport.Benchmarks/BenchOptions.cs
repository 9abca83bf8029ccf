using System.Globalization;
using System.IO.Compression;

namespace S3ZipExport.Benchmarks;

internal enum Stage { Export, Compress, Csv, Parse }

/// <summary>Where the demo document comes from: a file saved once in /dev/shm (next to no CPU), or generated per request.</summary>
internal enum SourceMode { File, Generated }

/// <summary>The command line, parsed once.</summary>
internal sealed record BenchOptions(Stage Stage, double SizeMB, CompressionLevel Level, int? Threads, int PartMiB, int Concurrency,
    SourceMode Source, int LambdaMemoryMB, bool CpuQuota, int? ProcessorCount, string? ResultsDirectory)
{
    public const string Usage =
        "usage: S3ZipExport.Benchmarks --size-mb N [--level optimal|fastest] [--threads K|default] [--stage export|compress|csv|parse] " +
        "[--part-mib 8] [--concurrency 4] [--source file|generated] [--lambda-memory-mb 1024] [--cpu-quota on|off] [--processor-count N|default] " +
        "[--results DIR]";

    public string LevelName => Name(Level);

    public string SourceName => Source == SourceMode.Generated ? "generated" : "file";

    public static string Name(CompressionLevel level) => level == CompressionLevel.Fastest ? "fastest" : "optimal";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(Stage.Export, 100, CompressionLevel.Optimal, null, 8, 4, SourceMode.File, 1024, true, null, null);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value. {Usage}");
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
                "--results" => options with { ResultsDirectory = Path.GetFullPath(value) },
                _ => throw new ArgumentException($"Unknown option '{name}'. {Usage}"),
            };
        }
        if (options.SizeMB <= 0) throw new ArgumentException("--size-mb must be positive.");
        return options;
    }

    private static CompressionLevel ParseLevel(string value) => value switch
    {
        "optimal" => CompressionLevel.Optimal,
        "fastest" => CompressionLevel.Fastest,
        _ => throw new ArgumentException($"The level must be optimal or fastest, got '{value}'."),
    };

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

    /// <summary>Compression threads for the stages that run in this process: --threads, else one per core.</summary>
    public int ThreadsOrCores => Threads ?? Environment.ProcessorCount;

    /// <summary>Where result files go: --results, else bench/results/&lt;machine&gt; in the checkout.</summary>
    public string ResultsPath => ResultsDirectory ?? ResultFiles.DefaultDirectory();
}
