using System.Net;
using System.Net.Http.Headers;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Tests.LocalRun;

public sealed class DemoSourceFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"s3zipexport-demo-test-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    private async Task<byte[]> SaveDocumentAsync(long bytes)
    {
        await using (var file = File.Create(_path)) await ConnpassDemoData.WriteAsync(file, bytes, CancellationToken.None);
        return await File.ReadAllBytesAsync(_path);
    }

    [Fact]
    public async Task Saved_document_is_sent_whole_with_its_length_and_an_ETag()
    {
        var document = await SaveDocumentAsync(300_000);
        await using var server = await DemoSourceServer.ServeFileAsync(_path);
        using var http = new HttpClient();

        using var response = await http.GetAsync(server.EventsUrl(1));

        response.EnsureSuccessStatusCode();
        Assert.Equal(document.Length, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(document, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Range_request_with_the_ETag_gets_the_rest_of_the_document()
    {
        var document = await SaveDocumentAsync(300_000);
        await using var server = await DemoSourceServer.ServeFileAsync(_path);
        using var http = new HttpClient();
        using var first = await http.GetAsync(server.EventsUrl(1));
        var request = new HttpRequestMessage(HttpMethod.Get, server.EventsUrl(1));
        request.Headers.Range = new RangeHeaderValue(100_000, null);
        request.Headers.IfRange = new RangeConditionHeaderValue(first.Headers.ETag!);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(document[100_000..], await response.Content.ReadAsByteArrayAsync());
    }
}
