using System.Globalization;
using System.IO.Compression;

namespace S3ZipExport.Benchmarks;

internal enum Stage { Export, Compress, Csv, Parse }

/// <summary>Where the demo document comes from: a file saved once in /dev/shm (next to no CPU), or generated per request.</summary>
internal enum SourceMode { File, Generated }

/// <summary>The command line, parsed once.</summary>
internal sealed record BenchOptions(Stage Stage, double SizeMB, CompressionLevel Level, int Threads, int PartMiB, int Concurrency,
    SourceMode Source, int LambdaMemoryMB)
{
    public const string Usage =
        "usage: S3ZipExport.Benchmarks --size-mb N [--level optimal|fastest] [--threads K] [--stage export|compress|csv|parse] [--part-mib 8] " +
        "[--concurrency 4] [--source file|generated] [--lambda-memory-mb 1024]";

    public string LevelName => Level == CompressionLevel.Fastest ? "fastest" : "optimal";

    public string SourceName => Source == SourceMode.Generated ? "generated" : "file";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(Stage.Export, 100, CompressionLevel.Optimal, Environment.ProcessorCount, 8, 4, SourceMode.File, 1024);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value. {Usage}");
            options = name switch
            {
                "--size-mb" => options with { SizeMB = double.Parse(value, CultureInfo.InvariantCulture) },
                "--level" => options with
                {
                    Level = value switch
                    {
                        "optimal" => CompressionLevel.Optimal,
                        "fastest" => CompressionLevel.Fastest,
                        _ => throw new ArgumentException($"--level must be optimal or fastest, got '{value}'."),
                    },
                },
                "--threads" => options with { Threads = int.Parse(value, CultureInfo.InvariantCulture) },
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
                "--lambda-memory-mb" => options with { LambdaMemoryMB = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option '{name}'. {Usage}"),
            };
        }
        if (options.SizeMB <= 0) throw new ArgumentException("--size-mb must be positive.");
        // Lambda's range: 128 MB to 10,240 MB.
        if (options.LambdaMemoryMB is < 128 or > 10_240) throw new ArgumentException($"--lambda-memory-mb must be 128 to 10240, got {options.LambdaMemoryMB}.");
        return options;
    }

    public string Settings =>
        $"level={LevelName} threads={Threads} part_mib={PartMiB} concurrency={Concurrency} source={SourceName} {ExportChildProcess.Describe(LambdaMemoryMB)}";
}
