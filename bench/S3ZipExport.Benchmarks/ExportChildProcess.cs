using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// Runs the export in a child process (this benchmark again, with <see cref="ExportChild.Flag"/>) whose GC is set up
/// as on Lambda, so its peak RSS is the function's. Lambda runs .NET in a cgroup of the function's memory, and the
/// runtime then caps the GC heap at 75% of it (GCHeapHardLimit's default under a container limit). Gen0's budget
/// is left to the runtime: DOTNET_GCgen0size and DOTNET_GCgen0MaxBudget were tried and changed nothing measurable.
/// With a <see cref="CpuQuotaGroup"/> the child runs in it (Lambda's CPU share); with a processor count it sees that
/// many processors (DOTNET_PROCESSOR_COUNT), as a function sees the processors of its micro-VM, not its share.
/// </summary>
internal static class ExportChildProcess
{
    public static long HeapHardLimitBytes(int lambdaMemoryMB) => (long)lambdaMemoryMB * (1 << 20) * 3 / 4;

    /// <summary>The GC settings, as the benchmark's line shows them.</summary>
    public static string Describe(int lambdaMemoryMB) => string.Create(CultureInfo.InvariantCulture,
        $"heap_hard_limit={HeapHardLimitBytes(lambdaMemoryMB) >> 20}MiB (Lambda's for {lambdaMemoryMB} MB) workstation non-concurrent");

    /// <param name="sliced">Run the export as the state machine runs one of several invocations, all in this one child (<see cref="StateMachineLoop"/>).</param>
    public static async Task<ExportFigures> RunAsync(IReadOnlyDictionary<string, string?> environment, int lambdaMemoryMB, CpuQuotaGroup? quota,
        int? processorCount, bool sliced, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(ExportChildProcess).Assembly.Location);
        start.ArgumentList.Add(ExportChild.Flag);
        if (sliced) start.ArgumentList.Add(ExportChild.SlicedFlag);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.Environment["DOTNET_GCHeapHardLimit"] = $"0x{HeapHardLimitBytes(lambdaMemoryMB):x}";
        start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = lambdaMemoryMB.ToString(CultureInfo.InvariantCulture);
        start.Environment.Remove("DOTNET_PROCESSOR_COUNT");
        if (processorCount is { } count) start.Environment["DOTNET_PROCESSOR_COUNT"] = count.ToString(CultureInfo.InvariantCulture);
        quota?.Wrap(start);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(ct);
            var stdout = await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
            if (process.ExitCode != 0 || line is null)
                throw new InvalidOperationException($"The export child exited with code {process.ExitCode}: {(await stderr).Trim()}");
            foreach (var note in (await stderr).Split('\n').Where(l => l.StartsWith("child: ")))
                await Console.Error.WriteLineAsync(note);
            var figures = JsonSerializer.Deserialize(line, ExportFiguresJson.Default.ExportFigures)
                          ?? throw new InvalidOperationException($"The export child printed no figures: {line}");
            if (quota is not null && (figures.CpuCgroup.Length < 2 || !quota.Path.EndsWith(figures.CpuCgroup, StringComparison.Ordinal)))
                throw new InvalidOperationException($"The export child ran in CPU group '{figures.CpuCgroup}', not in {quota.Path}.");
            return figures;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
