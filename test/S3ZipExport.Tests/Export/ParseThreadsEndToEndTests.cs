using System.Text;
using System.Text.Json;
using S3ZipExport.Records;
using S3ZipExport.Tests.Fixtures;
using S3ZipExport.Tests.Source;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Export;

/// <summary>
/// EXPORT_PARSE_THREADS through the real handler, against moto and a real HTTP source: the object made with rows on
/// parse threads holds the CSV of the export on the reader's thread, byte for byte (across cuts: SlicedExportTests);
/// a bad record found on a parse thread after parts were uploaded fails the export as the reader's thread
/// would, and leaves no object and no incomplete upload.
/// </summary>
[Collection(LocalS3Collection.Name)]
public sealed class ParseThreadsEndToEndTests(LocalS3Fixture s3, ITestOutputHelper log) : IAsyncLifetime
{
    private SourceServer _source = null!;

    public async Task InitializeAsync()
    {
        s3.Reset();
        _source = await SourceServer.StartAsync();
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Fact]
    public async Task An_export_on_parse_threads_is_the_export_on_the_readers_thread_byte_for_byte()
    {
        var body = ExportSource.ManyRecordsDocument(12_000);
        _source.MapBytes("/events", body);
        (string, string)[] settings = [.. ExportSource.ManyPartsSettings, ("EXPORT_MAX_ROWS_PER_FILE", "5000"), ("EXPORT_CSV_ENCODING", "shift_jis")];
        var alone = await ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/events"), "tests/alone.zip", settings));
        JsonElement spread;
        string output;
        using (var capture = new ConsoleCapture())
        {
            spread = await ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/events"), "tests/spread.zip", [.. settings, ("EXPORT_PARSE_THREADS", "3")]));
            output = capture.Text;
        }
        var started = output.Split('\n').Where(l => l.Contains("\"export started\"") && l.Contains("tests/spread.zip")).Select(l => JsonDocument.Parse(l).RootElement).Single();
        Assert.Equal(3, started.GetProperty("parseThreads").GetInt32());

        foreach (var count in new[] { "records", "rows", "csvBytes", "files", "skippedRecords", "unencodableCharacters" })
            Assert.Equal(alone.GetProperty(count).GetInt64(), spread.GetProperty(count).GetInt64());
        Assert.Equal(3, spread.GetProperty("files").GetInt64());
        SlicedExportChecks.AssertSameContents(await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, "tests/alone.zip"),
            await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, "tests/spread.zip"), ".zip");
    }

    [LocalS3Fact]
    public async Task Invalid_UTF8_found_on_a_parse_thread_after_parts_were_uploaded_fails_with_its_offset_and_leaves_nothing()
    {
        // ~20 MB stored in 5 MiB parts: record 15,001's title has a byte that is not UTF-8, after three parts went up.
        var body = ExportSource.ManyRecordsDocument(20_000);
        var bad = body.AsSpan().IndexOf(Encoding.UTF8.GetBytes("イベント 15000 "));
        body[bad] = 0xFF;
        _source.MapBytes("/events", body);
        const string key = "tests/bad-on-thread.zip";
        var e = await Assert.ThrowsAnyAsync<BadInputException>(() => ExportRun.InvokeAsync(
            ExportRun.Environment(s3, _source.Url("/events"), key, [.. ExportSource.ManyPartsSettings, ("EXPORT_PARSE_THREADS", "2")])));
        log.WriteLine(e.Message);
        Assert.Equal($"Invalid UTF-8 at byte offset {bad} of the source, in record 15001.", e.Message);
        Assert.Contains(s3.Proxy.Requests, r => r.Operation == S3Operation.UploadPart);
        await s3.AssertNothingLeftAsync(key);
    }
}
