namespace S3ZipExport.Benchmarks;

/// <summary>What the figures depend on besides the code: cores, CPU model and how busy the machine was.</summary>
internal static class MachineInfo
{
    public static string Describe() =>
        $"cores={Environment.ProcessorCount} cpu=\"{CpuModel()}\" load=\"{LoadAverage()}\"";

    /// <summary>The 1, 5 and 15 minute load averages, as <c>uptime</c> prints them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "n/a"
            : "n/a";
}
