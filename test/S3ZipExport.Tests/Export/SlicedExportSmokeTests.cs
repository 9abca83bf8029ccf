using S3ZipExport.Tests.Fixtures;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Export;

[Collection(LocalS3Collection.Name)]
public sealed class SlicedExportSmokeTests(LocalS3Fixture s3, ITestOutputHelper log) : IAsyncLifetime
{
    private SourceServer _source = null!;

    public async Task InitializeAsync()
    {
        s3.Reset();
        _source = await SourceServer.StartAsync();
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Fact]
    public async Task Paged_source_sliced_every_second()
    {
        var connpass = new S3ZipExport.Tests.Source.FakeConnpass { MinGap = TimeSpan.FromMilliseconds(200), EventsIn = _ => 1500 };
        connpass.MapOn(_source);
        var env = ExportRun.Environment(s3, new Uri(S3ZipExport.Tests.Source.FakeConnpass.Url(_source, "?ym=202611")), "tests/sliced.zip",
            ("EXPORT_SOURCE_PAGING", "offset"), ("EXPORT_SOURCE_MIN_INTERVAL_MS", "200"), ("EXPORT_SOURCE_API_KEY", "k"),
            ("EXPORT_STATE_PREFIX", "state/"), ("EXPORT_SLICE_SECONDS", "1"), ("EXPORT_COLUMNS", "id,title"));
        var run = new SlicedRun(env);
        var summary = await run.RunToEndAsync();
        foreach (var r in run.Results) log.WriteLine(r.GetRawText()[..Math.Min(300, r.GetRawText().Length)]);
        Assert.True(run.Invocations >= 2);
        Assert.Equal(1500, summary.GetProperty("records").GetInt64());
    }
}
