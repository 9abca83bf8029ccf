using System.IO.Compression;
using System.Text;
using S3ZipExport.Records;
using S3ZipExport.Tests.Fixtures;
using Sylvan.Data.Csv;

namespace S3ZipExport.Tests.Export;

[Collection(LocalS3Collection.Name)]
public sealed class CsvFormatEndToEndTests : IAsyncLifetime
{
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;

    public CsvFormatEndToEndTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Fact]
    public async Task Shift_JIS_TSV_with_formatters_arrives_in_S3_as_a_CP932_entry_Excel_in_Japan_can_open()
    {
        _source.MapString("/events", """
            {"events":[
              {"id":101,"title":"Tokyo.rb 勉強会 #1 🎉","started_at":"2026-12-01T19:00:00+09:00","tags":["ruby","初心者歓迎"],"place":"渋谷 ｶﾌｪ\t2F"},
              {"id":102,"title":"=HYPERLINK(\"x\")","started_at":"2026-12-02T09:30:00+09:00","tags":[],"place":null},
              {"id":103,"title":"19:00〜21:00 もくもく会","started_at":null,"tags":["a",1]}
            ]}
            """);
        var key = "tests/sjis.zip";
        var summary = await ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), key,
            ("EXPORT_COLUMNS", "ID=id,タイトル=title,開始=started_at|datetime:yyyy/MM/dd HH:mm,タグ=tags|join:、,場所=place"),
            ("EXPORT_CSV_ENCODING", "shift_jis"), ("EXPORT_CSV_DELIMITER", "tab"), ("EXPORT_CSV_FORMULA_GUARD", "true")));

        var csv = await DownloadCsvAsync(key);
        Assert.Equal(csv.Length, summary.GetProperty("csvBytes").GetInt64());
        Assert.Equal(3, summary.GetProperty("records").GetInt64());
        Assert.False(csv.AsSpan().StartsWith("\uFEFF"u8));
        Assert.True(csv.AsSpan().IndexOf(new byte[] { 0x95, 0xD7, 0x8B, 0xAD, 0x89, 0xEF }) > 0, "勉強会 in CP932 bytes");

        var text = Csv.CsvOutput.ShiftJis.GetString(csv);
        Assert.Contains("\r\n", text);
        using var reader = CsvDataReader.Create(new StringReader(text), new CsvDataReaderOptions { Delimiter = '\t' });
        Assert.Equal(["ID", "タイトル", "開始", "タグ", "場所"], Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
        string[] Row() => Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray();
        Assert.True(reader.Read());
        Assert.Equal(["101", "Tokyo.rb 勉強会 #1 ?", "2026/12/01 19:00", "ruby、初心者歓迎", "渋谷 ｶﾌｪ\t2F"], Row());
        Assert.True(reader.Read());
        Assert.Equal(["102", "'=HYPERLINK(\"x\")", "2026/12/02 09:30", "", ""], Row());
        Assert.True(reader.Read());
        Assert.Equal(["103", "19:00～21:00 もくもく会", "", "a、1", ""], Row());
        Assert.False(reader.Read());
    }

    private const string Celebrations = """
        {"events":[
          {"id":1,"title":"忘年会 🎉🎉","place":"渋谷"},
          {"id":2,"title":"19:00〜21:00 もくもく会","place":"新宿"}
        ]}
        """;

    [LocalS3Fact]
    public async Task Shift_JIS_summary_counts_the_characters_CP932_lacks_and_the_CSV_has_a_question_mark_for_each()
    {
        _source.MapString("/events", Celebrations);
        var key = "tests/sjis-unencodable.zip";
        var summary = await ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), key,
            ("EXPORT_COLUMNS", "id,title,place"), ("EXPORT_CSV_ENCODING", "shift_jis")));

        // 〜 is written as CP932's ～ and not counted (README, Shift_JIS); each 🎉 is one '?' and one count.
        Assert.Equal(2, summary.GetProperty("unencodableCharacters").GetInt64());
        var text = Csv.CsvOutput.ShiftJis.GetString(await DownloadCsvAsync(key));
        Assert.Equal("id,title,place\r\n1,忘年会 ??,渋谷\r\n2,19:00～21:00 もくもく会,新宿\r\n", text);
    }

    [LocalS3Fact]
    public async Task Shift_JIS_strict_encoding_fails_the_export_naming_the_record_and_column_and_leaves_nothing()
    {
        _source.MapString("/events", Celebrations);
        var key = "tests/sjis-strict.zip";
        var e = await Assert.ThrowsAsync<BadInputException>(() => ExportRun.InvokeAsync(ExportRun.Environment(_s3, _source.Url("/events"), key,
            ("EXPORT_COLUMNS", "id,Title=title,place"), ("EXPORT_CSV_ENCODING", "shift_jis"), ("EXPORT_CSV_STRICT_ENCODING", "true"))));

        Assert.Contains("Record 1, column 'Title'", e.Message);
        Assert.Contains("U+1F389", e.Message);
        await _s3.AssertNothingLeftAsync(key);
    }

    /// <summary>The bytes of the archive's one CSV entry, in whatever encoding the export wrote.</summary>
    private async Task<byte[]> DownloadCsvAsync(string key)
    {
        using var archive = new ZipArchive(new MemoryStream(await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key)), ZipArchiveMode.Read);
        using var content = new MemoryStream();
        await Assert.Single(archive.Entries).Open().CopyToAsync(content);
        return content.ToArray();
    }
}
