using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using S3ZipExport.Tests.Deploy;
using static S3ZipExport.Tests.LocalRun.LocalInvoker;

namespace S3ZipExport.Tests.LocalRun;

/// <summary>Runs the local invoker as a user does, as a process, and reads what it prints.</summary>
public sealed partial class LocalInvokeProcessTests
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

    /// <summary>The line --slice-seconds prints for each invocation that returned.</summary>
    [GeneratedRegex(@"^invocation (?<n>\d+): (?<records>[\d,]+) records?, (?<parts>\d+) parts?, [\d.]+ s \([\d.]+ s in all\), (?<end>cut|done)$", RegexOptions.Multiline)]
    internal static partial Regex InvocationLine();

    [GeneratedRegex(@"^the demo document is served from (?<path>\S+),", RegexOptions.Multiline)]
    private static partial Regex DocumentLine();

    [Fact]
    public async Task With_slice_seconds_it_loops_as_the_state_machine_does_a_line_an_invocation_to_the_summary_and_checks_the_ZIP()
    {
        var run = await RunAsync(["--size-mb", "30", "--slice-seconds", "0.3"], new Dictionary<string, string?>());

        Assert.True(run.ExitCode == 0, run.ToString());
        var statePrefix = DeployFiles.Parameters["StatePrefix"]!["Default"]!.GetValue<string>();
        Assert.Matches($@"(?m)^execution local-[0-9-]+-[0-9a-f]+: a cut every 0\.3 s \(EXPORT_SLICE_SECONDS\), state kept under {Regex.Escape(statePrefix)} \(EXPORT_STATE_PREFIX\)$", run.Stderr);

        var lines = InvocationLine().Matches(run.Stderr);
        Assert.True(lines.Count >= 3, run.ToString());
        Assert.Equal(Enumerable.Range(1, lines.Count), lines.Select(l => int.Parse(l.Groups["n"].Value, CultureInfo.InvariantCulture)));
        Assert.Equal([.. Enumerable.Repeat("cut", lines.Count - 1), "done"], lines.Select(l => l.Groups["end"].Value));
        var records = lines.Select(l => long.Parse(l.Groups["records"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(records.Order(), records);   // records so far: never fewer than the invocation before

        using var summary = JsonDocument.Parse(run.Stdout);
        var done = summary.RootElement;
        Assert.Equal(lines.Count, done.GetProperty("invocations").GetInt32());
        Assert.Equal(done.GetProperty("records").GetInt64(), records[^1]);
        Assert.Equal(done.GetProperty("parts").GetInt32(), int.Parse(lines[^1].Groups["parts"].Value, CultureInfo.InvariantCulture));
        Assert.Contains("check ok:", run.Stderr);
        Assert.Contains($" {records[^1]} rows = {records[^1]} records", run.Stderr);
        var document = DocumentLine().Match(run.Stderr);
        Assert.True(document.Success, run.Stderr);
        Assert.False(File.Exists(document.Groups["path"].Value), "the demo document's file is left behind");
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
