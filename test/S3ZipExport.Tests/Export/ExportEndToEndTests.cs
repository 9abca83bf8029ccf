using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using S3ZipExport.Records;
using S3ZipExport.Source;
using S3ZipExport.Tests.Archive;
using S3ZipExport.Tests.Fixtures;
using Sylvan.Data.Csv;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Export;

[Collection(LocalS3Collection.Name)]
public sealed class ExportEndToEndTests : IAsyncLifetime
{
    private readonly LocalS3Fixture _s3;
    private readonly ITestOutputHelper _log;
    private SourceServer _source = null!;

    public ExportEndToEndTests(LocalS3Fixture s3, ITestOutputHelper log)
    {
        _s3 = s3;
        _log = log;
        s3.Reset();
    }

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    private const string TrickyEvents = """
        {"results_returned":3,"results_available":3,"results_start":1,"events":[
          {"id":101,"title":"Tokyo.rb 勉強会 #1 🎉","started_at":"2026-12-01T19:00:00+09:00","url":"https://connpass.com/event/101/",
           "group":{"id":7,"title":"Tokyo.rb"},"accepted":42,"catch":"quotes \"inside\", commas, and\r\nline breaks"},
          {"id":102,"title":null,"started_at":"2026-12-02T19:00:00+09:00","url":"https://connpass.com/event/102/",
           "group":null,"accepted":0,"catch":"\u3042\u3044\u3046"},
          {"id":103,"title":"=SUM(A1)","url":"https://connpass.com/event/103/","accepted":-1,"catch":"","extra":[1,2,3]}
        ]}
        """;

    private const string Columns = "id,title,started_at,url,Group=group.title,accepted,catch";

    [LocalS3Fact]
    public async Task A_few_records_arrive_in_S3_as_a_zip_whose_CSV_matches_the_source_field_by_field()
    {
        _source.MapString("/events", TrickyEvents);
        var key = "tests/few.zip";
        var summary = await ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), key, ("EXPORT_COLUMNS", Columns)));

        var zip = await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key);
        var csv = ReadSingleEntry(zip, "events.csv");
        AssertCsvMatchesRecords(csv, TrickyEvents, "events", Columns);

        Assert.Equal(LocalS3Fixture.Bucket, summary.GetProperty("bucket").GetString());
        Assert.Equal(key, summary.GetProperty("key").GetString());
        Assert.Equal(3, summary.GetProperty("records").GetInt64());
        Assert.Equal(csv.Length, summary.GetProperty("csvBytes").GetInt64());
        Assert.Equal(zip.Length, summary.GetProperty("zipBytes").GetInt64());
        Assert.Equal(1, summary.GetProperty("parts").GetInt32());
        var metadata = await _s3.S3.GetObjectMetadataAsync(LocalS3Fixture.Bucket, key);
        Assert.Equal(metadata.ETag, summary.GetProperty("etag").GetString());
        Assert.Equal("application/zip", metadata.Headers.ContentType);
        Assert.Empty(await _s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket));

        await AssertEveryReaderAcceptsAsync(zip, csv);
    }

    [LocalS3Fact]
    public async Task Key_comes_from_the_scheduled_events_time_and_id()
    {
        _source.MapString("/events", TrickyEvents);
        var summary = await ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), "tests/{time:yyyy/MM/dd}/{id}.zip"));
        Assert.Equal("tests/2026/11/24/run-42.zip", summary.GetProperty("key").GetString());
        Assert.True(await _s3.S3.ObjectExistsAsync(LocalS3Fixture.Bucket, "tests/2026/11/24/run-42.zip"));
    }

    [LocalS3Fact]
    public async Task Thousands_of_records_span_many_parts_none_under_5_MiB_but_the_last_and_in_flight_within_the_limit()
    {
        // Uncompressed output ("none") so the archive is about as large as the CSV: ~24 MB in 5 MiB parts.
        const int count = 20_000;
        ExportSource.MapManyRecords(_source, "/events", count);
        var key = "tests/many.zip";
        var summary = await ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), key, ExportSource.ManyPartsSettings));

        var zip = await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key);
        var csv = ReadSingleEntry(zip, "events.csv");
        using (var reader = CsvDataReader.Create(new StringReader(Encoding.UTF8.GetString(csv))))
        {
            var rows = 0;
            while (reader.Read())
            {
                Assert.Equal(rows.ToString(), reader.GetString(0));
                Assert.Equal($"イベント {rows} \"{rows * 7919 % 10007}\"", reader.GetString(1));
                Assert.Equal(1000, reader.GetString(3).Length);
                rows++;
            }
            Assert.Equal(count, rows);
        }
        Assert.Equal(count, summary.GetProperty("records").GetInt64());

        var uploadId = _s3.Proxy.Requests.Single(r => r.Operation == S3Operation.CreateMultipartUpload).UploadId
            ?? _s3.Proxy.Requests.First(r => r.Operation == S3Operation.UploadPart).UploadId!;
        var sizes = _s3.Proxy.PartSizes(uploadId);
        _log.WriteLine($"parts: {string.Join(", ", sizes)}; max in flight {_s3.Proxy.MaxConcurrentUploadParts}");
        Assert.True(sizes.Count >= 4, $"expected at least 4 parts, got {sizes.Count}");
        Assert.Equal(summary.GetProperty("parts").GetInt32(), sizes.Count);
        Assert.All(sizes.SkipLast(1), size => Assert.Equal(5L * 1024 * 1024, size));
        Assert.Equal(zip.Length, sizes.Sum());
        Assert.InRange(_s3.Proxy.MaxConcurrentUploadParts, 1, 2);
    }

    [LocalS3Fact]
    public async Task Zero_records_give_a_zip_whose_CSV_holds_only_the_header()
    {
        _source.MapString("/events", """{"results_returned":0,"events":[]}""");
        var key = "tests/empty.zip";
        var summary = await ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), key));
        var zip = await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key);
        var csv = ReadSingleEntry(zip, "events.csv");
        Assert.Equal("title,started_at,ended_at\r\n", Encoding.UTF8.GetString(csv));
        Assert.Equal(0, summary.GetProperty("records").GetInt64());
        await AssertEveryReaderAcceptsAsync(zip, csv);
    }

    [LocalS3Theory]
    [InlineData("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>", "text/html", "not JSON")]
    [InlineData("""{"events":[{"title":"a"},{"title":"b""", "application/json", "record 2")]
    [InlineData("""{"items":[{"title":"a"}]}""", "application/json", "no property 'events'")]
    [InlineData("""{"events":[{"title":"a\u0000"}, 5]}""", "application/json", "Record 2 (at byte offset")]
    public async Task Bad_source_fails_with_a_clear_error_and_leaves_no_object_and_no_upload(string body, string contentType, string expected)
    {
        _source.MapString("/events", body, contentType);
        var key = "tests/bad.zip";
        var e = await Assert.ThrowsAnyAsync<BadInputException>(() =>
            ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), key)));
        Assert.Contains(expected, e.Message);
        await _s3.AssertNothingLeftAsync(key);
        // Less than one part was written: the upload was never created, so there was nothing to abort.
        Assert.DoesNotContain(_s3.Proxy.Requests, r => r.Operation is S3Operation.CreateMultipartUpload or S3Operation.PutObject);
    }

    [LocalS3Fact]
    public async Task Invalid_UTF8_in_the_source_fails_with_its_byte_offset_and_leaves_nothing()
    {
        var body = "{\"events\":[{\"title\":\"ok\"},{\"title\":\"bad "u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat("\"}]}"u8.ToArray()).ToArray();
        _source.MapBytes("/events", body);
        var e = await Assert.ThrowsAnyAsync<BadInputException>(() =>
            ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), "tests/utf8.zip")));
        Assert.Contains($"Invalid UTF-8 at byte offset {Array.IndexOf(body, (byte)0xC3)}", e.Message);
        Assert.Contains("record 2", e.Message);
        await _s3.AssertNothingLeftAsync("tests/utf8.zip");
    }

    [LocalS3Fact]
    public async Task Source_error_status_fails_before_any_upload_is_started()
    {
        _source.Map("/events", async context => { context.Response.StatusCode = 404; await context.Response.WriteAsync("nope"); });
        var e = await Assert.ThrowsAsync<SourceException>(() =>
            ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events?ym=202611&api_key=secret"), "tests/404.zip")));
        Assert.Contains("HTTP 404", e.Message);
        Assert.Contains("ym=202611", e.Message);
        Assert.DoesNotContain("secret", e.Message);
        Assert.DoesNotContain(_s3.Proxy.Requests, r => r.Operation == S3Operation.CreateMultipartUpload);
        await _s3.AssertNothingLeftAsync("tests/404.zip");
    }

    private static byte[] ReadSingleEntry(byte[] zip, string name)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var entry = Assert.Single(archive.Entries);
        Assert.Equal(name, entry.FullName);
        using var content = new MemoryStream();
        entry.Open().CopyTo(content);   // ZipArchive checks the CRC-32 when the entry is read to its end
        Assert.Equal(entry.Length, content.Length);
        return content.ToArray();
    }

    private async Task AssertEveryReaderAcceptsAsync(byte[] zip, byte[] csv)
    {
        var expected = new ExpectedContent();
        await expected.Track("events.csv", csv).CopyToAsync(Stream.Null);
        var readers = await ZipReaders.AssertAllAcceptAsync(zip, expected, _log);
        _log.WriteLine("readers: " + string.Join(", ", readers));
    }

    /// <summary>The expected CSV computed independently: JsonDocument on the test side, Sylvan to read the CSV.</summary>
    private static void AssertCsvMatchesRecords(byte[] csv, string json, string recordsPath, string columns)
    {
        Assert.False(csv.AsSpan().StartsWith("\uFEFF"u8), "CSV must be UTF-8 without a BOM");
        var specs = columns.Split(',').Select(c => c.Contains('=') ? (Header: c.Split('=')[0], Path: c.Split('=')[1]) : (Header: c, Path: c)).ToList();
        using var document = JsonDocument.Parse(json);
        var records = document.RootElement.GetProperty(recordsPath).EnumerateArray().ToList();
        using var reader = CsvDataReader.Create(new StringReader(Encoding.UTF8.GetString(csv)));
        Assert.Equal(specs.Select(s => s.Header), Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
        var row = 0;
        while (reader.Read())
        {
            for (var i = 0; i < specs.Count; i++)
                Assert.Equal(Expected(records[row], specs[i].Path), reader.GetString(i));
            row++;
        }
        Assert.Equal(records.Count, row);
    }

    private static string Expected(JsonElement record, string path)
    {
        var value = record;
        foreach (var name in path.Split('.'))
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value)) return "";
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null => "",
            _ => value.GetRawText(),
        };
    }
}
