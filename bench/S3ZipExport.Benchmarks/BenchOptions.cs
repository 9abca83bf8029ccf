using System.Globalization;
using System.IO.Compression;

namespace S3ZipExport.Benchmarks;

internal enum Stage { Export, Compress, Csv, Parse }

/// <summary>The command line, parsed once.</summary>
internal sealed record BenchOptions(Stage Stage, double SizeMB, CompressionLevel Level, int Threads, int PartMiB, int Concurrency)
{
    public const string Usage =
        "usage: S3ZipExport.Benchmarks --size-mb N [--level optimal|fastest] [--threads K] [--stage export|compress|csv|parse] [--part-mib 8] [--concurrency 4]";

    public string LevelName => Level == CompressionLevel.Fastest ? "fastest" : "optimal";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(Stage.Export, 100, CompressionLevel.Optimal, Environment.ProcessorCount, 8, 4);
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
                _ => throw new ArgumentException($"Unknown option '{name}'. {Usage}"),
            };
        }
        if (options.SizeMB <= 0) throw new ArgumentException("--size-mb must be positive.");
        return options;
    }

    public string Settings =>
        $"level={LevelName} threads={Threads} part_mib={PartMiB} concurrency={Concurrency}";
}
