using System.Text.Json;
using System.Text.Json.Nodes;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// test/stepfunctions/sample.asl.json (the shape of #13's loop: Export until no continuation, Retry on Lambda service
/// errors, Catch → Abort → Fail) run in moto's interpreter against a C# delegate standing in for the function.
/// </summary>
public sealed class StateMachineRunnerTests
{
    private static readonly string Sample = Path.Combine(RepositoryRoot.Find(), "test", "stepfunctions", "sample.asl.json");
    private const string Event = """{"time":"2026-11-01T00:00:00Z","id":"evt-1"}""";

    /// <summary>The export function's shape: a continuation until <paramref name="slices"/> invocations, then a summary;
    /// an abort is acknowledged. <paramref name="fail"/> may answer slice n (from 1) in its place.</summary>
    private static Func<byte[], Task<(byte[] body, string? errorType, string? errorMessage)>> Exporter(int slices,
        Func<int, (string errorType, string errorMessage)?>? fail = null) => payload =>
    {
        var input = JsonNode.Parse(payload)!.AsObject();
        if (input.ContainsKey("abort")) return Answer(new JsonObject { ["aborted"] = true });
        var slice = input["continuation"] is { } continuation ? continuation["slice"]!.GetValue<int>() + 1 : 1;
        if (fail?.Invoke(slice) is { } failure) return Task.FromResult((Array.Empty<byte>(), (string?)failure.errorType, (string?)failure.errorMessage));
        return Answer(slice < slices
            ? new JsonObject { ["continuation"] = new JsonObject { ["state"] = "s3://bucket/state/evt-1.json", ["slice"] = slice } }
            : new JsonObject { ["bucket"] = "bucket", ["key"] = "exports/x.zip", ["records"] = 100 * slice, ["invocations"] = slice });
    };

    private static Task<(byte[], string?, string?)> Answer(JsonObject output) =>
        Task.FromResult((JsonSerializer.SerializeToUtf8Bytes(output), (string?)null, (string?)null));

    [MotoFact]
    public async Task The_sample_loops_on_the_continuation_until_the_function_returns_its_summary()
    {
        var run = await StateMachineRunner.RunAsync(Sample, Event, Exporter(slices: 3));

        Assert.True(run.Status == "SUCCEEDED", run.Document.ToJsonString());
        Assert.Equal(300, run.Output!["records"]!.GetValue<int>());
        Assert.Equal(["Export", "Continue?", "Export", "Continue?", "Export", "Continue?", "Done"], run.Transitions);
        Assert.Equal("evt-1", run.Invocations[0].Payload!["id"]!.GetValue<string>());
        Assert.Equal([1, 2], run.Invocations.Skip(1).Select(i => i.Payload!["continuation"]!["slice"]!.GetValue<int>()));
        Assert.All(run.Invocations, i => Assert.Equal("ExportFunction", i.Function));
    }

    [MotoFact]
    public async Task A_function_error_is_caught_the_function_is_called_to_abort_and_the_execution_fails()
    {
        var run = await StateMachineRunner.RunAsync(Sample, Event,
            Exporter(slices: 5, fail: slice => slice == 2 ? ("ExportFailedException", "source answered 500") : null));

        Assert.True(run.Status == "FAILED", run.Document.ToJsonString());
        Assert.Equal("ExportFailed", run.Error);
        Assert.Equal("""ExportFailedException: {"errorType":"ExportFailedException","errorMessage":"source answered 500"}""", run.Cause);
        Assert.Equal(["Export", "Continue?", "Export", "Abort", "Failed"], run.Transitions);
        var abort = run.Invocations[^1].Payload!["abort"]!;
        Assert.Equal(1, abort["continuation"]!["slice"]!.GetValue<int>());
        Assert.Equal("ExportFailedException", abort["error"]!["Error"]!.GetValue<string>());
    }

    [MotoFact]
    public async Task A_service_error_is_retried_and_an_exception_is_an_error_named_by_its_type()
    {
        var calls = 0;
        var exporter = Exporter(slices: 3);
        var run = await StateMachineRunner.RunAsync(Sample, Event, async payload =>
        {
            switch (Interlocked.Increment(ref calls))
            {
                case 2: throw new LambdaServiceErrorException(500, "ServiceException", "Lambda had a moment");
                case 4: throw new InvalidOperationException("the state object is gone");
                default: return await exporter(payload);
            }
        });

        Assert.True(run.Status == "FAILED", run.Document.ToJsonString());
        Assert.Equal(["Export", "Continue?", "Export", "Continue?", "Export", "Abort", "Failed"], run.Transitions);
        Assert.Equal([("retry", 2.0)], run.Waits);
        Assert.Equal(("ServiceException", 500), (run.Invocations[1].ServiceError, run.Invocations[1].Status));
        Assert.Equal("InvalidOperationException", run.Invocations[^1].Payload!["abort"]!["error"]!["Error"]!.GetValue<string>());
        Assert.StartsWith("InvalidOperationException: ", run.Cause);
    }

    [MotoFact]
    public async Task The_harness_own_python_tests_pass()
    {
        var run = await ChildProcess.RunAsync(MotoPython.Path!, ["-m", "unittest", "discover", "-s", Path.GetDirectoryName(StateMachineRunner.Script)!],
            TimeSpan.FromMinutes(5), start => start.Environment["PYTHONDONTWRITEBYTECODE"] = "1");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}{(run.TimedOut ? " (timed out)" : "")}\n{run.Stderr}");
    }
}
