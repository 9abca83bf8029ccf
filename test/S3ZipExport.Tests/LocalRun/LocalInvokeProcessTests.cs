using System.Text.Json;
using static S3ZipExport.Tests.LocalRun.LocalInvoker;

namespace S3ZipExport.Tests.LocalRun;

/// <summary>Runs the local invoker as a user does, as a process, and reads what it prints.</summary>
public sealed class LocalInvokeProcessTests
{
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
}
