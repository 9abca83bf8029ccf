using System.Diagnostics;
using S3ZipExport.LocalServices;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.LocalRun;

/// <summary>The local invoker run as a user runs it, as a process, with what it printed and returned.</summary>
internal static class LocalInvoker
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <summary>
    /// Runs it with the test host's environment minus every EXPORT_* setting and the S3 endpoint (so a setting in the
    /// shell cannot leak into a test), plus <paramref name="environment"/>.
    /// </summary>
    public static async Task<Run> RunAsync(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var run = await ChildProcess.RunAsync(Dotnet, [InvokerDll(), .. args], Timeout, start => Configure(start, environment));
        if (run.TimedOut) throw new TimeoutException($"the local invoker ran over {Timeout}:\n{run.Stderr}");
        return new Run(run.ExitCode, run.Stdout, run.Stderr);
    }

    /// <summary>Starts it as <see cref="RunAsync"/> does but returns at once, for a test that kills it mid-way; its output is discarded.</summary>
    public static Process Start(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[InvokerDll(), .. args]) start.ArgumentList.Add(argument);
        Configure(start, environment);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string Dotnet => System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static void Configure(ProcessStartInfo start, IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("EXPORT_", StringComparison.Ordinal) || k == "AWS_ENDPOINT_URL_S3").ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
    }

    /// <summary>The invoker built with this test run (the test project references it), in the tests' own configuration.</summary>
    private static string InvokerDll()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));   // .../bin/<Configuration>/<tfm>
        var configuration = testOutput.Parent!.Name;
        var path = Path.Combine(RepositoryRoot.Find(), "tools", "S3ZipExport.LocalInvoke", "bin", configuration, testOutput.Name, "S3ZipExport.LocalInvoke.dll");
        Assert.True(File.Exists(path), $"{path} is missing; build the solution first (dotnet build)");
        return path;
    }
}
