using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using S3ZipExport.Export;
using S3ZipExport.Tests.Fixtures;
using S3ZipExport.Tests.LocalRun;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Export;

/// <summary>
/// What happens to an export of several invocations when an invocation is retried, killed, refused or aborted, through
/// the real handler against moto: the object still comes out as one run's, or nothing is left behind.
/// </summary>
[Collection(LocalS3Collection.Name)]
public sealed class SlicedExportRecoveryTests(LocalS3Fixture s3, ITestOutputHelper log) : IAsyncLifetime
{
    private const string Key = "tests/sliced.zip";
    private SourceServer _source = null!;

    public async Task InitializeAsync()
    {
        s3.Reset();
        _source = await SourceServer.StartAsync();
        // 24,000 records of ~1 KB, stored: about 25 MB of archive in 5 MiB parts, sent in about 4 s, so that an
        // invocation cut every 0.4 s leaves a tail, and one left to run uploads parts.
        _source.Map("/events", SlowSource.Serve(ExportSource.ManyRecordsDocument(24_000), "application/json",
            pieceBytes: 64 * 1024, pause: TimeSpan.FromMilliseconds(10)));
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    private Dictionary<string, string?> Environment(string key = Key, params (string, string)[] extra) =>
        ExportRun.Environment(s3, _source.Url("/events"), key,
            [.. ExportSource.ManyPartsSettings, ("EXPORT_STATE_PREFIX", SlicedExportChecks.StatePrefix), ("EXPORT_SLICE_SECONDS", "0.4"), .. extra]);

    /// <summary>The same export in one run, to compare with (its own key, no state).</summary>
    private async Task<(JsonElement, string)> OneRunAsync()
    {
        const string key = "tests/one-run.zip";
        var env = ExportRun.Environment(s3, _source.Url("/events"), key, ExportSource.ManyPartsSettings);
        return (await ExportRun.InvokeAsync(env), key);
    }

    [LocalS3Fact]
    public async Task Resuming_twice_from_the_same_state_gives_the_same_export()
    {
        var run = new SlicedRun(Environment());
        var second = await run.InvokeAsync(run.FirstPayload());
        var third = await run.InvokeAsync(second.GetRawText());
        var saved = await SlicedExportChecks.SnapshotStateAsync(s3);
        Assert.Contains(saved.Keys, k => k.EndsWith("/state.json", StringComparison.Ordinal));

        // The fourth invocation runs and saves its state, but its answer is lost: Lambda runs it again from the same
        // payload, and (as for a state resumed twice) the state it finds is the one the third saved.
        await run.InvokeAsync(third.GetRawText());
        await SlicedExportChecks.RestoreStateAsync(s3, saved);
        var summary = await run.RunToEndAsync(third.GetRawText());

        log.WriteLine($"{run.Invocations} invocations");
        Assert.Equal(run.Invocations - 1, summary.GetProperty("invocations").GetInt32());   // the lost one is not counted
        await SlicedExportChecks.AssertSameAsOneRunAsync(s3, log, await OneRunAsync(), (summary, Key), ".zip");
    }

    [LocalS3Fact]
    public async Task An_invocation_killed_mid_way_is_done_again_from_the_last_state_and_the_object_is_whole()
    {
        var run = new SlicedRun(Environment());
        var second = await run.InvokeAsync(run.FirstPayload());
        var third = await run.InvokeAsync(second.GetRawText());
        var saved = await SlicedExportChecks.SnapshotStateAsync(s3);

        // The third invocation, as the local invoker in a process of its own, given the time to upload a part, is killed.
        await KillAfterItsFirstPartAsync(third.GetRawText());
        var left = await SlicedExportChecks.SnapshotStateAsync(s3);
        static byte[] StateOf(Dictionary<string, byte[]> folder) => folder.Single(o => o.Key.EndsWith("/state.json", StringComparison.Ordinal)).Value;
        Assert.Equal(StateOf(saved), StateOf(left));   // it saved no state: its work is lost, and only its work

        var summary = await run.RunToEndAsync(third.GetRawText());
        await SlicedExportChecks.AssertSameAsOneRunAsync(s3, log, await OneRunAsync(), (summary, Key), ".zip");
        await SlicedExportChecks.AssertNothingLeftAsync(s3);   // an upload the killed invocation created, if any, is aborted too
    }

    /// <summary>Runs one invocation from <paramref name="payload"/> in a process of its own, and kills it once it has uploaded a part.</summary>
    private async Task KillAfterItsFirstPartAsync(string payload)
    {
        var file = Path.Combine(Path.GetTempPath(), $"slice-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, payload);
        var partsBefore = UploadedParts();
        using (var process = LocalInvoker.Start([file], Environment(extra: ("EXPORT_SLICE_SECONDS", "60"))))
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (UploadedParts() == partsBefore && !process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(1)) await Task.Delay(20);
            Assert.False(process.HasExited, "the invocation ended before it could be killed");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        File.Delete(file);
        Assert.True(UploadedParts() > partsBefore, "the killed invocation uploaded no part");
    }

    private int UploadedParts() => s3.Proxy.Requests.Count(r => r.Operation == S3Operation.UploadPart && r.Succeeded && r.Key == Key);

    [LocalS3Fact]
    public async Task Abort_leaves_no_upload_no_state_and_no_tail()
    {
        var run = new SlicedRun(Environment());
        var next = await run.InvokeAsync(run.FirstPayload());
        // On until the upload has begun (nothing is created in S3 before the first part is full).
        while ((await s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket)).Count == 0) next = await run.InvokeAsync(next.GetRawText());
        var state = await SlicedExportChecks.StateKeysAsync(s3);
        Assert.Contains(state, k => k.EndsWith("/state.json", StringComparison.Ordinal));
        Assert.Contains(state, k => k.EndsWith(".bin", StringComparison.Ordinal));

        var aborted = await run.InvokeAsync(run.AbortPayload());
        Assert.True(aborted.GetProperty("aborted").GetBoolean());
        Assert.Equal((Key, 1, state.Count),
            (aborted.GetProperty("key").GetString(), aborted.GetProperty("uploadsAborted").GetInt32(), aborted.GetProperty("stateObjectsDeleted").GetInt32()));
        await SlicedExportChecks.AssertNothingLeftAsync(s3);
        await s3.AssertNothingLeftAsync(Key);
    }

    [LocalS3Fact]
    public async Task Abort_finds_the_upload_of_a_first_invocation_killed_before_it_saved_any_state()
    {
        var run = new SlicedRun(Environment());
        // Another export's upload of the same key (another execution): the abort must leave it alone.
        var other = await s3.S3.InitiateMultipartUploadAsync(LocalS3Fixture.Bucket, Key);

        await KillAfterItsFirstPartAsync(run.FirstPayload());
        Assert.DoesNotContain(await SlicedExportChecks.StateKeysAsync(s3), k => k.EndsWith("/state.json", StringComparison.Ordinal));
        Assert.Equal(2, (await s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket)).Count);

        var aborted = await run.InvokeAsync(run.AbortPayload());
        Assert.Equal(1, aborted.GetProperty("uploadsAborted").GetInt32());
        Assert.Equal([other.UploadId], (await s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket)).Select(u => u.UploadId));
        await s3.S3.AbortMultipartUploadAsync(LocalS3Fixture.Bucket, Key, other.UploadId);
        await SlicedExportChecks.AssertNothingLeftAsync(s3);
    }

    [LocalS3Fact]
    public async Task A_retried_invocation_aborts_the_upload_its_killed_attempt_created_and_the_object_is_whole()
    {
        var run = new SlicedRun(Environment());
        await KillAfterItsFirstPartAsync(run.FirstPayload());
        Assert.Single(await s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket));

        // Lambda retries the first invocation: it starts afresh, and the killed attempt's upload is aborted, not kept for a week.
        var summary = await run.RunToEndAsync();
        await SlicedExportChecks.AssertSameAsOneRunAsync(s3, log, await OneRunAsync(), (summary, Key), ".zip");
        await SlicedExportChecks.AssertNothingLeftAsync(s3);
    }

    [LocalS3Fact]
    public async Task A_continuation_naming_another_state_is_refused_and_the_real_state_is_kept()
    {
        var run = new SlicedRun(Environment());
        var next = JsonNode.Parse((await run.InvokeAsync(run.FirstPayload())).GetRawText())!;
        var saved = await SlicedExportChecks.SnapshotStateAsync(s3);
        next["continuation"]!["state"] = $"s3://{LocalS3Fixture.Bucket}/elsewhere/state.json";

        var e = await Assert.ThrowsAsync<ExportFailedException>(() => run.InvokeAsync(next.ToJsonString()));
        Assert.Contains("s3://exports/elsewhere/state.json", e.Message);
        Assert.Contains("refused", e.Message);
        Assert.Equal(saved.Keys.Order(), (await SlicedExportChecks.SnapshotStateAsync(s3)).Keys.Order());
        await run.InvokeAsync(run.AbortPayload());
        await SlicedExportChecks.AssertNothingLeftAsync(s3);
    }

    [LocalS3Fact]
    public async Task Settings_that_shape_the_bytes_changed_between_invocations_stop_the_export()
    {
        var run = new SlicedRun(Environment());
        var next = await run.InvokeAsync(run.FirstPayload());
        run.Environment = Environment(extra: ("EXPORT_COLUMNS", "id,title"));

        var e = await Assert.ThrowsAsync<ExportFailedException>(() => run.InvokeAsync(next.GetRawText()));
        Assert.Contains("changed since the state", e.Message);
        // Threads and concurrency only change how fast: those may change.
        run.Environment = Environment(extra: [("EXPORT_COMPRESSION_THREADS", "1"), ("EXPORT_UPLOAD_CONCURRENCY", "1")]);
        var summary = await run.RunToEndAsync(next.GetRawText());
        await SlicedExportChecks.AssertSameAsOneRunAsync(s3, log, await OneRunAsync(), (summary, Key), ".zip");
    }

    [LocalS3Fact]
    public async Task The_invocation_limit_stops_a_runaway_export_naming_the_setting()
    {
        var run = new SlicedRun(Environment(extra: ("EXPORT_MAX_INVOCATIONS", "2")));
        var next = await run.InvokeAsync(run.FirstPayload());
        next = await run.InvokeAsync(next.GetRawText());

        var e = await Assert.ThrowsAsync<ExportFailedException>(() => run.InvokeAsync(next.GetRawText()));
        Assert.Contains("EXPORT_MAX_INVOCATIONS=2", e.Message);
        await run.InvokeAsync(run.AbortPayload());
        await SlicedExportChecks.AssertNothingLeftAsync(s3);
    }

    [LocalS3Fact]
    public async Task A_document_the_server_cannot_serve_from_an_offset_is_refused_at_the_start_with_what_to_do()
    {
        _source.Map("/whole", SlowSource.Serve(Encoding.UTF8.GetBytes("""{"events":[{"id":1}]}"""), "application/json", 1024, TimeSpan.Zero, ranges: false));
        var run = new SlicedRun(ExportRun.Environment(s3, _source.Url("/whole"), Key, ("EXPORT_STATE_PREFIX", SlicedExportChecks.StatePrefix)));

        var e = await Assert.ThrowsAnyAsync<Exception>(() => run.InvokeAsync(run.FirstPayload()));
        Assert.Contains("cannot be continued by a later invocation", e.Message);
        Assert.Contains("EXPORT_SOURCE_PAGING=offset", e.Message);
        await SlicedExportChecks.AssertNothingLeftAsync(s3);
        await s3.AssertNothingLeftAsync(Key);
    }

    [LocalS3Fact]
    public async Task A_state_prefix_is_required_and_an_export_key_under_it_is_refused()
    {
        var run = new SlicedRun(ExportRun.Environment(s3, _source.Url("/events"), Key));
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => run.InvokeAsync(run.FirstPayload()));
        Assert.Contains("EXPORT_STATE_PREFIX", missing.Message);

        run.Environment = Environment(key: SlicedExportChecks.StatePrefix + "x.zip");
        var under = await Assert.ThrowsAnyAsync<Exception>(() => run.InvokeAsync(run.FirstPayload()));
        Assert.Contains("lies under EXPORT_STATE_PREFIX", under.Message);
        await SlicedExportChecks.AssertNothingLeftAsync(s3);
    }

    [LocalS3Fact]
    public async Task The_state_lists_every_part_the_upload_holds_at_the_cut()
    {
        var run = new SlicedRun(Environment());
        var next = await run.InvokeAsync(run.FirstPayload());
        for (var i = 0; i < 4 && next.TryGetProperty("continuation", out _); i++) next = await run.InvokeAsync(next.GetRawText());
        var upload = Assert.Single(await s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket));
        var parts = await s3.S3.ListPartsAsync(new ListPartsRequest { BucketName = LocalS3Fixture.Bucket, Key = Key, UploadId = upload.UploadId });
        var state = (await SlicedExportChecks.SnapshotStateAsync(s3)).Single(o => o.Key.EndsWith("/state.json", StringComparison.Ordinal)).Value;
        using var json = JsonDocument.Parse(state);
        log.WriteLine(Encoding.UTF8.GetString(state));
        var saved = json.RootElement.GetProperty("upload").GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("number").GetInt32()).ToList();
        Assert.NotEmpty(saved);
        Assert.Equal((parts.Parts ?? []).Select(p => p.PartNumber ?? 0).Order(), saved.Order());
        await run.InvokeAsync(run.AbortPayload());
    }
}
