using Microsoft.AspNetCore.Http;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using static S3ZipExport.Tests.LocalRun.LocalInvoker;

namespace S3ZipExport.Tests.LocalRun;

/// <summary>
/// The local invoker's --slice-seconds when an invocation fails, run as a process against moto's S3 (which, unlike the
/// embedded s3rver, lists and aborts multipart uploads) and a real HTTP source: the abort it sends is the state
/// machine's, the function accepts it as this export's and removes what the export left.
/// </summary>
[Collection(LocalS3Collection.Name)]
public sealed class LocalInvokeSliceAbortTests(LocalS3Fixture s3) : IAsyncLifetime
{
    private SourceServer _source = null!;

    public async Task InitializeAsync()
    {
        s3.Reset();
        _source = await SourceServer.StartAsync();
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Fact]
    public async Task A_source_gone_after_the_first_invocation_is_aborted_as_the_state_machine_aborts_it_and_the_run_fails_with_its_error()
    {
        // The first request is answered, slowly enough to be cut; every later one is a 404.
        var requests = 0;
        var firstAnswer = SlowSource.Serve(ExportSource.ManyRecordsDocument(3_000), "application/json",
            pieceBytes: 16 * 1024, pause: TimeSpan.FromMilliseconds(10));
        _source.Map("/events", context => Interlocked.Increment(ref requests) == 1 ? firstAnswer(context) : NotFound(context));
        const string Key = "tests/local-sliced.zip";
        var environment = ExportRun.Environment(s3, _source.Url("/events"), Key,
            ("EXPORT_COLUMNS", "id,title,catch"), ("EXPORT_STATE_PREFIX", SlicedExportChecks.StatePrefix));

        var run = await RunAsync(["--slice-seconds", "0.5"], environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("", run.Stdout.Trim());
        var line = Assert.Single(LocalInvokeProcessTests.InvocationLine().Matches(run.Stderr));
        Assert.Equal(("1", "cut"), (line.Groups["n"].Value, line.Groups["end"].Value));
        var message = $"Source {_source.Url("/events")} answered HTTP 404 Not Found.";
        Assert.Contains($"invocation 2: failed after ", run.Stderr);
        Assert.Contains($": SourceException: {message}\n", run.Stderr);
        Assert.Matches(@"(?m)^aborted: 0 multipart upload\(s\) aborted, [12] state object\(s\) deleted$", run.Stderr);
        Assert.EndsWith($"error: {message}", run.Stderr.TrimEnd());
        Assert.Equal(2, requests);

        await s3.AssertNothingLeftAsync(Key);
        Assert.Empty(await SlicedExportChecks.StateKeysAsync(s3));
        // The abort looked for the uploads the export recorded, in its state folder.
        Assert.Contains(s3.Proxy.Requests, r => r.Operation == S3Operation.ListObjects && r.Succeeded
                                                 && Uri.UnescapeDataString(r.Query).Contains("/upload-", StringComparison.Ordinal));
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsJsonAsync(new { message = "no such export" });
    }
}
