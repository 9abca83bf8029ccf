using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using S3ZipExport.Tests.Source;
using static S3ZipExport.Tests.LocalRun.LocalInvoker;

namespace S3ZipExport.Tests.LocalRun;

/// <summary>
/// What --discover and --preview fail with is what the export fails with, to the letter: the same source through the
/// real handler (against moto) and through the local invoker.
/// </summary>
[Collection(LocalS3Collection.Name)]
public sealed class DiscoverPreviewErrorTests : IAsyncLifetime
{
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;

    public DiscoverPreviewErrorTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Theory]
    [InlineData("401")]
    [InlineData("html")]
    [InlineData("records path")]
    [InlineData("truncated")]
    public async Task The_source_error_is_the_exports_own_message(string failure)
    {
        switch (failure)
        {
            case "401": _source.Map("/events", SourceExport.Status(401)); break;
            case "html": _source.MapString("/events", "<!DOCTYPE html><html><body>Please sign in</body></html>", "text/html; charset=utf-8"); break;
            case "records path": _source.MapString("/events", """{"items":[{"id":1}]}"""); break;
            default: _source.MapString("/events", """{"events":[{"id":1},{"id":2"""); break;
        }
        var settings = new (string, string)[] { ("EXPORT_COLUMNS", "id"), ("EXPORT_RECORDS_PATH", "events") };
        var key = $"tests/look-{failure.Replace(' ', '-')}.zip";

        var exported = await Assert.ThrowsAnyAsync<Exception>(() => ExportRun.InvokeAsync(SourceExport.Environment(_s3, _source.Url("/events"), key, settings)));

        var environment = new Dictionary<string, string?> { ["EXPORT_SOURCE_URL"] = _source.Url("/events").ToString(), ["EXPORT_ALLOW_HTTP"] = "true" };
        foreach (var (name, value) in settings) environment[name] = value;
        foreach (var mode in new[] { "--discover", "--preview" })
        {
            var run = await RunAsync([mode], environment);
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.EndsWith($"error: {exported.Message}", run.Stderr.TrimEnd());
        }
        await SourceExport.AssertNothingLeftAsync(_s3, key);
    }
}
