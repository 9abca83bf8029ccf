using System.Globalization;
using System.Text.RegularExpressions;

namespace S3ZipExport.Benchmarks;

/// <summary>What the figures depend on besides the code: cores, CPU model and how busy the machine was.</summary>
internal static partial class MachineInfo
{
    public static string Describe() =>
        $"cores={Environment.ProcessorCount} cpu=\"{CpuModel()}\" load=\"{LoadAverage()}\"";

    /// <summary>
    /// A short name for this kind of machine, stable from run to run: the CPU model without trademarks, "CPU",
    /// "Processor" and clock, in lower case with dashes, and the cores, e.g. "amd-epyc-2c" or "intel-xeon-2c". Result
    /// files of a machine go to bench/results/&lt;name&gt;/.
    /// </summary>
    public static string Name => NameOf(CpuModel(), Environment.ProcessorCount);

    public static string NameOf(string cpuModel, int cores)
    {
        var model = Noise().Replace(cpuModel.ToLowerInvariant(), " ");
        var words = NotAlphanumeric().Replace(model, "-").Trim('-');
        return string.Create(CultureInfo.InvariantCulture, $"{(words.Length == 0 ? "cpu" : words)}-{cores}c");
    }

    // "(R)", "(TM)", "CPU", "Processor", "with Radeon Graphics", "@ 2.40GHz" and "n-Core".
    [GeneratedRegex(@"\((r|tm)\)|\bcpu\b|\bprocessor\b|\bwith .*|@.*|\b\d+-core\b")]
    private static partial Regex Noise();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotAlphanumeric();

    /// <summary>The 1, 5 and 15 minute load averages, as <c>uptime</c> prints them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "n/a"
            : "n/a";
}
