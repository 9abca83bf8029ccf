using System.IO.Compression;
using System.Text;
using S3ZipExport.Records;
using S3ZipExport.Tests.Archive;
using S3ZipExport.Tests.Fixtures;
using Sylvan.Data.Csv;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Export;

/// <summary>The shapes of the object: split ZIP entries, gzip instead of ZIP, bad records left out.</summary>
[Collection(LocalS3Collection.Name)]
public sealed class OutputShapeTests(LocalS3Fixture s3, ITestOutputHelper log) : IAsyncLifetime
{
    private SourceServer _source = null!;

    public async Task InitializeAsync()
    {
        s3.Reset();
        _source = await SourceServer.StartAsync();
        var records = string.Join(",", Enumerable.Range(0, 25).Select(i => $$"""{"id":{{i}},"title":"会 {{i}}"}"""));
        _source.MapString("/events", $$"""{"events":[{{records}}]}""");
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    private Task<System.Text.Json.JsonElement> ExportAsync(string key, params (string, string)[] extra) =>
        ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/events"), key, [("EXPORT_COLUMNS", "id,title"), .. extra]));

    [LocalS3Fact]
    public async Task Rows_split_into_numbered_entries_each_with_its_header_in_one_pass()
    {
        var summary = await ExportAsync("tests/split.zip", ("EXPORT_MAX_ROWS_PER_FILE", "10"), ("EXPORT_CSV_ENCODING", "utf-8-bom"));
        var zip = await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, "tests/split.zip");
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(["events-0001.csv", "events-0002.csv", "events-0003.csv"], archive.Entries.Select(e => e.FullName));
        var ids = new List<int>();
        var expected = new ExpectedContent();
        foreach (var entry in archive.Entries)
        {
            using var content = new MemoryStream();
            entry.Open().CopyTo(content);
            var bytes = content.ToArray();
            await expected.Track(entry.FullName, bytes).CopyToAsync(Stream.Null);
            Assert.True(bytes.AsSpan().StartsWith("\uFEFF"u8), $"{entry.FullName} starts with the BOM");
            using var reader = CsvDataReader.Create(new StringReader(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3)));
            Assert.Equal("id", reader.GetName(0));
            var rows = 0;
            while (reader.Read()) { ids.Add(reader.GetInt32(0)); rows++; }
            Assert.True(rows <= 10);
        }
        Assert.Equal(Enumerable.Range(0, 25), ids);
        Assert.Equal(3, summary.GetProperty("files").GetInt32());
        Assert.Equal(25, summary.GetProperty("rows").GetInt64());
        await ZipReaders.AssertAllAcceptAsync(zip, expected, log);
    }

    [LocalS3Fact]
    public async Task Gzip_output_is_one_csv_file_readable_by_GZipStream_and_gzip()
    {
        var summary = await ExportAsync("tests/events.csv.gz", ("EXPORT_FORMAT", "gzip"), ("EXPORT_COMPRESSION_THREADS", "2"));
        var gz = await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, "tests/events.csv.gz");
        Assert.Equal([0x1F, 0x8B], gz[..2]);
        using var csv = new MemoryStream();
        new GZipStream(new MemoryStream(gz), CompressionMode.Decompress).CopyTo(csv);
        var text = Encoding.UTF8.GetString(csv.ToArray());
        Assert.StartsWith("id,title\r\n0,会 0\r\n", text);
        Assert.Equal(26, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(csv.Length, summary.GetProperty("csvBytes").GetInt64());
        var metadata = await s3.S3.GetObjectMetadataAsync(LocalS3Fixture.Bucket, "tests/events.csv.gz");
        Assert.Equal("application/gzip", metadata.Headers.ContentType);

        var path = Path.Combine(Path.GetTempPath(), $"s3zipexport-{Guid.NewGuid():N}.csv.gz");
        try
        {
            await File.WriteAllBytesAsync(path, gz);
            var gzip = await ChildProcess.RunAsync("gzip", ["-t", "-v", path], TimeSpan.FromMinutes(1));
            log.WriteLine(gzip.Stderr);
            Assert.Equal(0, gzip.ExitCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [LocalS3Fact]
    public async Task Bad_records_are_skipped_counted_and_the_rest_exported_when_asked()
    {
        _source.MapString("/mixed", """{"events":[{"id":1,"started_at":"2026-12-01T19:00:00+09:00"},"not a record",{"id":3,"started_at":"next week"},{"id":4,"started_at":null}]}""");
        var env = ExportRun.Environment(s3, _source.Url("/mixed"), "tests/skip.zip",
            ("EXPORT_COLUMNS", "id,Start=started_at|datetime:yyyy/MM/dd HH:mm"), ("EXPORT_ON_BAD_RECORD", "skip"));
        var summary = await ExportRun.InvokeAsync(env);
        Assert.Equal(2, summary.GetProperty("skippedRecords").GetInt64());
        Assert.Equal(4, summary.GetProperty("records").GetInt64());
        Assert.Equal(2, summary.GetProperty("rows").GetInt64());
        using var archive = new ZipArchive(new MemoryStream(await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, "tests/skip.zip")));
        using var text = new StreamReader(archive.Entries.Single().Open());
        Assert.Equal("id,Start\r\n1,2026/12/01 19:00\r\n4,\r\n", await text.ReadToEndAsync());
    }

    [LocalS3Fact]
    public async Task Bad_record_fails_the_export_by_default_naming_it_and_leaving_nothing()
    {
        _source.MapString("/mixed", """{"events":[{"id":1},{"id":2,"started_at":"next week"}]}""");
        var e = await Assert.ThrowsAsync<BadRecordException>(() => ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/mixed"), "tests/bad.zip",
            ("EXPORT_COLUMNS", "id,Start=started_at|datetime:yyyy"))));
        Assert.Contains("Record 2", e.Message);
        await s3.AssertNothingLeftAsync("tests/bad.zip");
    }

    [LocalS3Fact]
    public async Task Several_sources_go_to_one_entry_each_when_asked()
    {
        _source.MapString("/september", """{"events":[{"id":1,"title":"九月"}]}""");
        _source.MapString("/october", """{"events":[{"id":2,"title":"十月"},{"id":3,"title":"十月"}]}""");
        var urls = $"{_source.Url("/september")}\n{_source.Url("/october")}";
        var summary = await ExportRun.InvokeAsync(ExportRun.Environment(s3, _source.Url("/september"), "tests/per-source.zip",
            ("EXPORT_SOURCE_URL", urls), ("EXPORT_COLUMNS", "id,title"), ("EXPORT_ENTRY_PER_SOURCE", "true")));
        using var archive = new ZipArchive(new MemoryStream(await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, "tests/per-source.zip")));
        var entries = archive.Entries.Select(e => (e.FullName, new StreamReader(e.Open()).ReadToEnd())).ToList();
        Assert.Equal([("events-0001.csv", "id,title\r\n1,九月\r\n"), ("events-0002.csv", "id,title\r\n2,十月\r\n3,十月\r\n")], entries);
        Assert.Equal(2, summary.GetProperty("files").GetInt32());
    }
}
