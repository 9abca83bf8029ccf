using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using S3ZipExport.Contract;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.StateMachine;

/// <summary>
/// The template's own definition executed in moto's Step Functions interpreter, as in <see cref="ExportLoopTests"/>, but
/// with every invoke answered by the real handler (<see cref="ExportRun.AsLambdaFunction"/>) against moto's S3 and a real
/// HTTP source: the continuations, the summary, the errors and the abort the definition's Choice, Retry and Catch see
/// are the function's own.
/// </summary>
[Collection(LocalS3Collection.Name)]
public sealed class ExportLoopRealFunctionTests(LocalS3Fixture s3, ITestOutputHelper log) : IAsyncLifetime
{
    private SourceServer _source = null!;

    public async Task InitializeAsync()
    {
        s3.Reset();
        _source = await SourceServer.StartAsync();
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3MotoFact]
    public async Task A_slow_source_loops_through_the_real_function_to_its_summary_with_the_CSV_of_one_run_and_nothing_left()
    {
        // About 3 MB of records sent at about 1.5 MB/s: a cut every 0.4 s makes several invocations.
        _source.Map("/events", SlowSource.Serve(ExportSource.ManyRecordsDocument(3_000), "application/json",
            pieceBytes: 16 * 1024, pause: TimeSpan.FromMilliseconds(10)));
        (string, string)[] settings = [("EXPORT_COLUMNS", "id,title,catch")];
        const string OneRunKey = "tests/one-run.zip", SlicedKey = "tests/sliced.zip";
        var oneRun = await ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/events"), OneRunKey, settings));

        var run = await RunAsync(Sliced(SlicedKey, settings, sliceSeconds: "0.4"), "SUCCEEDED");

        var slices = run.Invocations.Count;
        Assert.True(slices >= 3, $"only {slices} invocations: the test needs a slower source");
        string[] transitions = ["Begin", .. Enumerable.Repeat<string[]>(["Export", "More?"], slices).SelectMany(s => s), "Done"];
        Assert.Equal(transitions, run.Transitions);
        for (var i = 0; i < slices - 1; i++)
        {
            // Each continuation went back as the next payload, verbatim, and named the invocation it was for.
            Assert.True(JsonNode.DeepEquals(run.Invocations[i].Result, run.Invocations[i + 1].Payload), run.Invocations[i + 1].Payload?.ToJsonString());
            Assert.Equal(i + 2, run.Invocations[i].Result![SlicedExportPayload.Continuation]![SlicedExportPayload.Invocation]!.GetValue<int>());
        }
        Assert.All(run.Invocations, i => Assert.Null(i.FunctionError));
        Assert.True(JsonNode.DeepEquals(run.Invocations[^1].Result, run.Output));   // the execution's output is the summary

        var summary = JsonSerializer.Deserialize<JsonElement>(run.Output!.ToJsonString());
        Assert.Equal(slices, summary.GetProperty(SlicedExportPayload.Invocations).GetInt32());
        await SlicedExportChecks.AssertSameAsOneRunAsync(s3, log, (oneRun, OneRunKey), (summary, SlicedKey), ".zip");
    }

    [LocalS3MotoFact]
    public async Task A_source_gone_after_the_first_slice_fails_the_function_the_catch_aborts_the_upload_and_state_and_the_execution_fails()
    {
        // The first request is answered at about 4 MB/s, 25 MB of records stored as they are: the first slice (2.5 s)
        // uploads a 5 MiB part or more and is cut long before the end. Every later request is a 404.
        var requests = 0;
        var firstAnswer = SlowSource.Serve(ExportSource.ManyRecordsDocument(24_000), "application/json",
            pieceBytes: 64 * 1024, pause: TimeSpan.FromMilliseconds(10));
        _source.Map("/events", context => Interlocked.Increment(ref requests) == 1 ? firstAnswer(context) : NotFound(context));
        const string Key = "tests/failed.zip";

        var run = await RunAsync(Sliced(Key, ExportSource.ManyPartsSettings, sliceSeconds: "2.5"), "FAILED");

        Assert.Equal(["Begin", "Export", "More?", "Export", "Abort", "Failed"], run.Transitions);
        var (first, failed, abort) = (run.Invocations[0], run.Invocations[1], run.Invocations[2]);
        Assert.Equal(3, run.Invocations.Count);   // the function's error was not retried
        Assert.Equal(2, requests);
        Assert.NotNull(first.Result![SlicedExportPayload.Continuation]);

        // The function's exception, as the .NET runtime reports it: an Unhandled function error named by its type.
        Assert.Equal("Unhandled", failed.FunctionError);
        var errorType = failed.Result!["errorType"]!.GetValue<string>();
        Assert.Equal("SourceException", errorType);
        Assert.Contains("404", failed.Result["errorMessage"]!.GetValue<string>());

        // The Catch handed that error to the real abort, which found the upload the first slice began and its state.
        var caught = abort.Payload![SlicedExportPayload.Abort]!;
        Assert.Equal(errorType, caught["Error"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(failed.Result, JsonNode.Parse(caught["Cause"]!.GetValue<string>())), caught.ToJsonString());
        Assert.Null(abort.FunctionError);
        Assert.True(abort.Result![SlicedExportPayload.Aborted]!.GetValue<bool>(), abort.Result.ToJsonString());
        Assert.Equal(1, abort.Result["uploadsAborted"]!.GetValue<int>());
        Assert.True(abort.Result["stateObjectsDeleted"]!.GetValue<int>() >= 1, abort.Result.ToJsonString());

        var uploads = s3.Proxy.Requests.Where(r => r.Key == Key && r.Succeeded).ToList();
        var uploadId = Assert.Single(uploads, r => r.Operation == S3Operation.UploadPart && r.PartNumber == 1).UploadId;
        Assert.Contains(uploads, r => r.Operation == S3Operation.AbortMultipartUpload && r.UploadId == uploadId);

        Assert.Equal("ExportFailed", run.Error);
        Assert.Equal($"{errorType}: {caught["Cause"]!.GetValue<string>()}", run.Cause);
        await s3.AssertNothingLeftAsync(Key);
        Assert.Empty(await SlicedExportChecks.StateKeysAsync(s3));
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsJsonAsync(new { message = "no such export" });
    }

    private Dictionary<string, string?> Sliced(string key, (string, string)[] settings, string sliceSeconds) =>
        ExportRun.Environment(s3, _source.Url("/events"), key,
            [.. settings, (SettingNames.StatePrefix, SlicedExportChecks.StatePrefix), (SettingNames.SliceSeconds, sliceSeconds)]);

    /// <summary>One execution of the template's definition, every invoke answered by the real handler with <paramref name="environment"/>.</summary>
    private async Task<StateMachineRun> RunAsync(Dictionary<string, string?> environment, string status)
    {
        var run = await StateMachineRunner.RunAsync(TemplateStateMachine.Definition, TemplateStateMachine.ScheduledEvent,
            ExportRun.AsLambdaFunction(environment), TemplateStateMachine.Options);
        log.WriteLine($"{run.Status} after {run.ElapsedSeconds} s: {string.Join(" → ", run.Transitions)}");
        foreach (var invocation in run.Invocations) log.WriteLine($"  {invocation.FunctionError ?? "ok"}: {invocation.Result?.ToJsonString()}");
        Assert.True(run.Status == status, run.Document.ToJsonString());
        return run;
    }
}
