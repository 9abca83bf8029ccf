using System.Net;

namespace S3ZipExport.Tests.Fixtures;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class SourceServerTests : IAsyncLifetime
{
    private SourceServer _source = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _source.DisposeAsync();
    }

    [Fact]
    public async Task Mapped_string_is_served_as_utf8_with_content_length_and_type()
    {
        _source.MapString("/items", """[{"name":"Zoë"}]""");

        using var response = await _http.GetAsync(_source.Url("/items?page=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(17, response.Content.Headers.ContentLength);
        Assert.Equal("""[{"name":"Zoë"}]"""u8.ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Mapped_stream_is_sent_chunked_as_it_is_written()
    {
        _source.MapStream("/big", async (body, ct) =>
        {
            var block = new byte[64 * 1024];
            for (var i = 0; i < 32; i++)
            {
                Array.Fill(block, (byte)i);
                await body.WriteAsync(block, ct);
            }
        }, "application/octet-stream");

        using var response = await _http.GetAsync(_source.Url("/big"), HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Null(response.Content.Headers.ContentLength);

        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(32 * 64 * 1024, bytes.Length);
        Assert.Equal([0, 31], new[] { bytes[0], bytes[^1] });
    }

    [Fact]
    public async Task Requests_are_recorded_with_method_path_query_and_headers()
    {
        _source.MapString("/items", "[]");
        using var request = new HttpRequestMessage(HttpMethod.Get, _source.Url("/items?cursor=abc&size=2"));
        request.Headers.Add("X-Api-Key", "secret");

        using var _ = await _http.SendAsync(request);

        var recorded = Assert.Single(_source.Requests);
        Assert.Equal(("GET", "/items", "?cursor=abc&size=2"), (recorded.Method, recorded.Path, recorded.Query));
        Assert.Equal("secret", recorded.Headers["x-api-key"]);
    }

    [Fact]
    public async Task Unknown_path_is_404_and_still_recorded()
    {
        using var response = await _http.GetAsync(_source.Url("/nothing"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("/nothing", Assert.Single(_source.Requests).Path);
    }

    [Fact]
    public async Task Handler_that_aborts_mid_body_breaks_the_clients_read()
    {
        // Abort sends a TCP reset, and a reset makes the client's kernel drop data it has not read yet:
        // the handler waits until the client holds the headers, or the client may never see them.
        var clientHasHeaders = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _source.Map("/drop", async context =>
        {
            context.Response.ContentLength = 1_000_000;
            await context.Response.Body.WriteAsync(new byte[1000], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await clientHasHeaders.Task;
            context.Abort();
        });

        using var response = await _http.GetAsync(_source.Url("/drop"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        clientHasHeaders.SetResult();

        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null));
    }
}
