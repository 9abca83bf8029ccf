using System.Text.Json;
using S3ZipExport.LocalServices;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.LocalRun;

/// <summary>Runs the local invoker as a user does, as a process, and reads what it prints.</summary>
public sealed class LocalInvokeProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly string[] SettingVariables =
    [
        "EXPORT_SOURCE_URL", "EXPORT_RECORDS_PATH", "EXPORT_COLUMNS", "EXPORT_BUCKET", "EXPORT_KEY", "EXPORT_ENTRY_NAME",
        "EXPORT_PART_SIZE_MIB", "EXPORT_UPLOAD_CONCURRENCY", "EXPORT_COMPRESSION_LEVEL", "EXPORT_COMPRESSION_THREADS",
        "EXPORT_ALLOW_HTTP", "EXPORT_PROGRESS_SECONDS", "AWS_ENDPOINT_URL_S3",
    ];

    [Fact]
    public async Task With_no_settings_it_exports_the_demo_source_to_s3rver_and_checks_the_ZIP()
    {
        var run = await RunAsync(["--size-mb", "5"], new Dictionary<string, string?>());

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\nstderr:\n{run.Stderr}");
        using var summary = JsonDocument.Parse(run.Stdout);
        var records = summary.RootElement.GetProperty("records").GetInt64();
        Assert.True(records > 0, run.Stdout);
        Assert.Equal("exports", summary.RootElement.GetProperty("bucket").GetString());
        Assert.Contains("check ok:", run.Stderr);
        Assert.Contains($" {records} rows = {records} records", run.Stderr);
    }

    [Fact]
    public async Task With_a_source_but_no_bucket_it_fails_naming_EXPORT_BUCKET()
    {
        var run = await RunAsync([], new Dictionary<string, string?> { ["EXPORT_SOURCE_URL"] = "https://127.0.0.1:9/events.json" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("EXPORT_BUCKET", run.Stderr);
        Assert.Equal("", run.Stdout.Trim());
    }

    private sealed record Run(int ExitCode, string Stdout, string Stderr);

    private static async Task<Run> RunAsync(string[] args, Dictionary<string, string?> environment)
    {
        var run = await ChildProcess.RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [InvokerDll(), .. args], Timeout, start =>
        {
            foreach (var name in SettingVariables) start.Environment.Remove(name);
            foreach (var (name, value) in environment) start.Environment[name] = value;
        });
        if (run.TimedOut) throw new TimeoutException($"the local invoker ran over {Timeout}:\n{run.Stderr}");
        return new Run(run.ExitCode, run.Stdout, run.Stderr);
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
