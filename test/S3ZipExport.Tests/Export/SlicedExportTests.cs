using System.Globalization;
using System.Text.Json;
using S3ZipExport.Export;
using S3ZipExport.Tests.Fixtures;
using S3ZipExport.Tests.Source;
using S3ZipExport.Upload;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Export;

/// <summary>
/// Exports of several invocations through the real handler, driven as the state machine drives them (<see cref="SlicedRun"/>),
/// against moto and a real HTTP source: the same source exported in one run and cut into five or more invocations
/// (EXPORT_SLICE_SECONDS) gives the same CSV bytes in every entry, in an archive every reader accepts, with the
/// whole object's checksum right and nothing left under the state prefix or as an incomplete upload.
/// </summary>
[Collection(LocalS3Collection.Name)]
public sealed class SlicedExportTests(LocalS3Fixture s3, ITestOutputHelper log) : IAsyncLifetime
{
    private SourceServer _source = null!;

    public async Task InitializeAsync()
    {
        s3.Reset();
        _source = await SourceServer.StartAsync();
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Fact]
    public async Task A_paged_source_in_slices_gives_the_CSV_of_one_run_and_keeps_its_request_spacing_across_cuts()
    {
        var connpass = new FakeConnpass { MinGap = TimeSpan.FromMilliseconds(200), EventsIn = _ => 1500 };
        connpass.MapOn(_source);
        var refusedInOneRun = 0;
        var (summary, _) = await AssertSlicesMatchOneRunAsync(new Uri(FakeConnpass.Url(_source, "?ym=202611")), ".zip",
            [("EXPORT_SOURCE_PAGING", "offset"), ("EXPORT_SOURCE_MIN_INTERVAL_MS", "200"), ("EXPORT_SOURCE_API_KEY", "k"), ("EXPORT_COLUMNS", "id,title,started_at")],
            betweenRuns: async () =>
            {
                refusedInOneRun = connpass.TooManyRequestsAnswered;
                await Task.Delay(connpass.MinGap);   // the two exports share the key: the sliced one starts a gap after the other
            });
        Assert.Equal(1500, summary.GetProperty("records").GetInt64());
        // The fake answers 429 to a request sooner than 200 ms after the last one, across invocations too.
        Assert.Equal((0, 0), (refusedInOneRun, connpass.TooManyRequestsAnswered));
    }

    [LocalS3Fact]
    public async Task A_JSON_document_in_slices_is_read_on_with_Range_and_its_entry_crosses_cuts_mid_part_and_between_parts()
    {
        // 24,000 records of ~1 KB, stored (level none): about 25 MB of archive in 5 MiB parts, sent in about 4 s.
        var body = ExportSource.ManyRecordsDocument(24_000);
        _source.Map("/events", SlowSource.Serve(body, "application/json", pieceBytes: 64 * 1024, pause: TimeSpan.FromMilliseconds(10)));
        var (summary, run) = await AssertSlicesMatchOneRunAsync(_source.Url("/events"), ".zip", ExportSource.ManyPartsSettings);
        Assert.True(summary.GetProperty("parts").GetInt32() >= 4);

        // Each invocation after the first asked for the rest of the same document, from where the last one cut.
        var sliced = _source.Requests.Skip(1).ToList();   // the one run's request first
        Assert.Equal(run.Invocations, sliced.Count);
        Assert.All(sliced.Skip(1), r => Assert.Matches(@"^bytes=\d+-$", r.Headers["range"]));
        Assert.All(sliced.Skip(1), r => Assert.Equal(SlowSource.ETag, r.Headers["if-range"]));
        // Asked for as stored, so a byte offset of what was read is an offset into what a Range continues.
        Assert.All(sliced, r => Assert.Equal("identity", r.Headers["accept-encoding"]));
        Assert.Equal(body.Length, summary.GetProperty("sourceBytes").GetInt64());
    }

    [LocalS3Fact]
    public async Task JSON_Lines_in_slices_with_rows_split_into_entries_across_cuts()
    {
        var body = ExportSource.ManyRecordsLines(6_000);
        _source.Map("/events.ndjson", SlowSource.Serve(body, "application/x-ndjson", pieceBytes: 16 * 1024, pause: TimeSpan.FromMilliseconds(10)));
        var (summary, _) = await AssertSlicesMatchOneRunAsync(_source.Url("/events.ndjson"), ".zip",
            [("EXPORT_SOURCE_FORMAT", "ndjson"), ("EXPORT_COLUMNS", "id,title,catch"), ("EXPORT_MAX_ROWS_PER_FILE", "700")]);
        Assert.Equal(9, summary.GetProperty("files").GetInt32());
    }

    [LocalS3Fact]
    public async Task A_JSON_document_in_slices_on_parse_threads_gives_the_CSV_of_one_run_on_the_readers_thread()
    {
        var body = ExportSource.ManyRecordsDocument(6_000);
        _source.Map("/events", SlowSource.Serve(body, "application/json", pieceBytes: 16 * 1024, pause: TimeSpan.FromMilliseconds(10)));
        await AssertSlicesMatchOneRunAsync(_source.Url("/events"), ".zip", [("EXPORT_COLUMNS", "id,title,catch"), ("EXPORT_MAX_ROWS_PER_FILE", "700")],
            slicedOnly: [("EXPORT_PARSE_THREADS", "3")]);
    }

    [LocalS3Fact]
    public async Task Gzip_output_in_slices_is_one_gzip_member_with_the_CSV_of_one_run()
    {
        var body = ExportSource.ManyRecordsDocument(6_000);
        _source.Map("/events", SlowSource.Serve(body, "application/json", pieceBytes: 16 * 1024, pause: TimeSpan.FromMilliseconds(10)));
        await AssertSlicesMatchOneRunAsync(_source.Url("/events"), ".csv.gz",
            [("EXPORT_FORMAT", "gzip"), ("EXPORT_COLUMNS", "id,title,catch"), ("EXPORT_COMPRESSION_THREADS", "2"), ("EXPORT_CHECKSUM", "crc32")]);
    }

    [LocalS3Fact]
    public async Task An_entry_crossing_cuts_before_the_first_part_exactly_at_a_part_boundary_and_mid_part_gives_the_CSV_of_one_run()
    {
        // Offset paging, one page an invocation: a page takes longer to answer than the slice, and a cut falls between
        // pages. So the cuts fall after pages 1, 2 and 3 of ~2, ~4, ~2 and ~1 MB of CSV, stored (level none), in one entry.
        int[] pages = [2000, 4000, 2000, 1000];
        MapPages(pages, answerAfter: TimeSpan.FromMilliseconds(600));
        var url = _source.Url("/pages");
        (string, string)[] settings =
        [
            ("EXPORT_SOURCE_PAGING", "offset"), ("EXPORT_PAGE_SIZE", "10000"), ("EXPORT_SOURCE_MIN_INTERVAL_MS", "0"),
            ("EXPORT_COLUMNS", "id,title,started_at,catch"), ("EXPORT_COMPRESSION_LEVEL", "none"), ("EXPORT_UPLOAD_CONCURRENCY", "2"),
        ];
        const string OneRunKey = "tests/one-run.zip", SlicedKey = "tests/sliced.zip";

        // Where cut 2 falls, measured: the first two invocations with parts larger than the archive, then aborted.
        var dry = new SlicedRun(SlicedEnvironment(url, "tests/dry.zip", settings)) { PartBytes = 64 * PartSizeSchedule.MiB };
        await dry.InvokeAsync((await dry.InvokeAsync(dry.FirstPayload())).GetRawText());
        var partBytes = (await StateAsync()).State.Upload.BytesWritten;
        await ExportRun.InvokeAsync(SlicedEnvironment(url, "tests/dry.zip", settings), dry.AbortPayload());
        await SlicedExportChecks.AssertNothingLeftAsync(s3);
        Assert.True(partBytes >= PartSizeSchedule.MinPartBytes, $"{partBytes} bytes at cut 2: a part must have 5 MiB at least");

        var single = await ExportRun.InvokeAsync(ExportRun.Environment(s3, url, OneRunKey, settings));
        s3.Proxy.ClearRequests();
        // Parts of exactly the archive at cut 2.
        var run = new SlicedRun(SlicedEnvironment(url, SlicedKey, settings)) { PartBytes = partBytes };

        // Cut 1, before the first part is full: no upload yet; the archive so far is all tail.
        var result = await run.InvokeAsync(run.FirstPayload());
        var (state, keys) = await StateAsync();
        var upload = state.Upload;
        Assert.True(upload.BytesWritten < partBytes);
        Assert.Equal((null, 1, 0, (int)upload.BytesWritten), (upload.UploadId, upload.NextPart, upload.Parts.Count, upload.TailLength));
        Assert.Equal([StateKeyOf(keys), state.TailKey], keys.Keys.Order());
        Assert.Equal(upload.TailLength, keys[state.TailKey!].Length);
        Assert.DoesNotContain(s3.Proxy.Requests, r => r.Operation is S3Operation.CreateMultipartUpload or S3Operation.UploadPart);

        // Cut 2, exactly at the end of part 1: the upload is created and part 1 sent; no tail, and the last one is deleted.
        result = await run.InvokeAsync(result.GetRawText());
        (state, keys) = await StateAsync();
        upload = state.Upload;
        Assert.NotNull(upload.UploadId);
        Assert.Equal((partBytes, 2, 0, null), (upload.BytesWritten, upload.NextPart, upload.TailLength, state.TailKey));
        Assert.Equal([(1, partBytes)], upload.Parts.Select(p => (p.Number, p.Size)));
        Assert.Equal([StateKeyOf(keys), UploadRecordOf(keys)], keys.Keys.Order());

        // Cut 3, mid-part: what did not fill part 2 is the tail.
        result = await run.InvokeAsync(result.GetRawText());
        (state, keys) = await StateAsync();
        Assert.Equal(state.Upload.BytesWritten - partBytes, state.Upload.TailLength);
        Assert.True(state.Upload.TailLength > 0);
        Assert.Equal((upload.UploadId, 2, 1), (state.Upload.UploadId, state.Upload.NextPart, state.Upload.Parts.Count));
        Assert.Equal([StateKeyOf(keys), state.TailKey, UploadRecordOf(keys)], keys.Keys.Order());
        Assert.Equal(state.Upload.TailLength, keys[state.TailKey!].Length);

        var summary = await run.RunToEndAsync(result.GetRawText());
        log.WriteLine($"parts of {partBytes:N0} bytes; {summary.GetRawText()}");
        Assert.Equal((4, 2), (run.Invocations, summary.GetProperty("parts").GetInt32()));
        Assert.Equal([S3Operation.CreateMultipartUpload], s3.Proxy.Requests.Where(r => r.Operation == S3Operation.CreateMultipartUpload).Select(r => r.Operation));
        await SlicedExportChecks.AssertSameAsOneRunAsync(s3, log, (single, OneRunKey), (summary, SlicedKey), ".zip");
    }

    /// <summary>Offset paging (start from 1) over the records of <see cref="ExportSource"/>, in pages of the given sizes, each answered after a pause.</summary>
    private void MapPages(int[] pages, TimeSpan answerAfter)
    {
        var total = pages.Sum();
        _source.Map("/pages", async context =>
        {
            var first = int.Parse(context.Request.Query["start"].ToString(), CultureInfo.InvariantCulture) - 1;
            var ends = pages.Select((_, i) => pages.Take(i + 1).Sum()).ToList();
            var count = ends.FirstOrDefault(end => end > first, total) - first;
            await Task.Delay(answerAfter, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(ExportSource.ManyRecordsPage(first, count, total), context.RequestAborted);
        });
    }

    /// <summary>The one export state under the state prefix, and every object there with its bytes.</summary>
    private async Task<(ExportState State, Dictionary<string, byte[]> Objects)> StateAsync()
    {
        var objects = await SlicedExportChecks.SnapshotStateAsync(s3);
        var state = JsonSerializer.Deserialize(objects[StateKeyOf(objects)], ExportStateJson.Default.ExportState)!;
        return (state, objects);
    }

    /// <summary>The one multipart upload the export recorded (StateStore): written before any part went to it.</summary>
    private static string UploadRecordOf(Dictionary<string, byte[]> objects) => Assert.Single(objects.Keys, k => k.Contains("/upload-", StringComparison.Ordinal));

    private static string StateKeyOf(Dictionary<string, byte[]> objects) => Assert.Single(objects.Keys, k => k.EndsWith("/state.json", StringComparison.Ordinal));

    /// <summary>
    /// Exports <paramref name="settings"/> in one run, then in slices (a cut every 0.4 s) to another key, and checks the
    /// sliced object against the one run's: the counts, the CSV bytes of every entry, the checksum, every reader.
    /// </summary>
    /// <param name="slicedOnly">Settings of the sliced export alone: the one run, without them, is what it must equal.</param>
    private async Task<(JsonElement Summary, SlicedRun Run)> AssertSlicesMatchOneRunAsync(Uri source, string extension, (string, string)[] settings,
        Func<Task>? betweenRuns = null, (string, string)[]? slicedOnly = null)
    {
        var oneRunKey = "tests/one-run" + extension;
        var slicedKey = "tests/sliced" + extension;
        var single = await ExportRun.InvokeAsync(ExportRun.Environment(s3, source, oneRunKey, settings));
        if (betweenRuns is not null) await betweenRuns();
        var run = new SlicedRun(SlicedEnvironment(source, slicedKey, [.. settings, .. slicedOnly ?? []]));
        var summary = await run.RunToEndAsync();
        log.WriteLine($"{run.Invocations} invocations; {summary.GetRawText()}");

        Assert.True(run.Invocations >= 5, $"only {run.Invocations} invocations: the test needs a slower source");
        await SlicedExportChecks.AssertSameAsOneRunAsync(s3, log, (single, oneRunKey), (summary, slicedKey), extension);
        return (summary, run);
    }

    private Dictionary<string, string?> SlicedEnvironment(Uri source, string key, (string, string)[] settings) =>
        ExportRun.Environment(s3, source, key, [.. settings, ("EXPORT_STATE_PREFIX", SlicedExportChecks.StatePrefix), ("EXPORT_SLICE_SECONDS", "0.4")]);
}
