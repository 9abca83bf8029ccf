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
public sealed class DiscoverPreviewErrorTests(LocalS3Fixture s3)
{
    [LocalS3Theory]
    [InlineData("401")]
    [InlineData("html")]
    [InlineData("records path")]
    [InlineData("truncated")]
    public async Task The_source_error_is_the_exports_own_message(string failure)
    {
        s3.Reset();
        await using var source = await SourceServer.StartAsync();
        switch (failure)
        {
            case "401": source.Map("/events", SourceExport.Status(401)); break;
            case "html": source.MapString("/events", "<!DOCTYPE html><html><body>Please sign in</body></html>", "text/html; charset=utf-8"); break;
            case "records path": source.MapString("/events", """{"items":[{"id":1}]}"""); break;
            default: source.MapString("/events", """{"events":[{"id":1},{"id":2"""); break;
        }
        var settings = new (string, string)[] { ("EXPORT_COLUMNS", "id"), ("EXPORT_RECORDS_PATH", "events") };
        var key = $"tests/look-{failure.Replace(' ', '-')}.zip";

        var exported = await Assert.ThrowsAnyAsync<Exception>(() => ExportRun.InvokeAsync(SourceExport.Environment(s3, source.Url("/events"), key, settings)));

        var environment = new Dictionary<string, string?> { ["EXPORT_SOURCE_URL"] = source.Url("/events").ToString(), ["EXPORT_ALLOW_HTTP"] = "true" };
        foreach (var (name, value) in settings) environment[name] = value;
        foreach (var mode in new[] { "--discover", "--preview" })
        {
            var run = await RunAsync([mode], environment);
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.EndsWith($"error: {exported.Message}", run.Stderr.TrimEnd());
        }
        await SourceExport.AssertNothingLeftAsync(s3, key);
    }
}
