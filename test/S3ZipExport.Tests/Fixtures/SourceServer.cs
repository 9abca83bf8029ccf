using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// A real HTTP server on 127.0.0.1 standing in for the export's data source. Routes match the request path
/// exactly (query ignored, any method); a test's handler decides everything else (paging, 429s, dropped bodies).
/// Unknown paths get 404.
/// </summary>
public sealed class SourceServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);
    private readonly List<RecordedSourceRequest> _requests = [];
    private WebApplication _app = null!;

    private SourceServer() { }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Snapshot of every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedSourceRequest> Requests { get { lock (_requests) return _requests.ToArray(); } }

    public static async Task<SourceServer> StartAsync(CancellationToken ct = default)
    {
        var server = new SourceServer();
        (server._app, server.BaseAddress) = await LoopbackWebServer.StartAsync(server.HandleAsync, ct);
        return server;
    }

    /// <summary>Absolute URL of <paramref name="pathAndQuery"/> on this server, e.g. Url("/items?page=2").</summary>
    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery.TrimStart('/'));

    /// <summary>Routes <paramref name="path"/> to <paramref name="handler"/>, replacing any earlier route for it.</summary>
    public void Map(string path, Func<HttpContext, Task> handler) => _routes[Normalize(path)] = handler;

    /// <summary>
    /// Serves <paramref name="body"/> with a Content-Length, as is: with <paramref name="contentEncoding"/>, the body
    /// must already be encoded so.
    /// </summary>
    public void MapBytes(string path, byte[] body, string contentType = "application/json", string? contentEncoding = null) =>
        Map(path, async context =>
        {
            context.Response.ContentType = contentType;
            if (contentEncoding is not null) context.Response.Headers.ContentEncoding = contentEncoding;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });

    /// <summary>Serves <paramref name="body"/> encoded as UTF-8.</summary>
    public void MapString(string path, string body, string contentType = "application/json; charset=utf-8") =>
        MapBytes(path, System.Text.Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>
    /// Serves whatever <paramref name="writeBody"/> writes, as it writes it, with chunked transfer encoding (no
    /// Content-Length): for bodies too big to hold in memory. The token fires when the client goes away.
    /// </summary>
    public void MapStream(string path, Func<Stream, CancellationToken, Task> writeBody, string contentType = "application/json") =>
        Map(path, async context =>
        {
            context.Response.ContentType = contentType;
            await context.Response.StartAsync(context.RequestAborted);
            await writeBody(context.Response.Body, context.RequestAborted);
        });

    public void ClearRequests() { lock (_requests) _requests.Clear(); }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        lock (_requests)
        {
            _requests.Add(new RecordedSourceRequest(
                request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "",
                request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                DateTimeOffset.UtcNow));
        }
        if (_routes.TryGetValue(Normalize(request.Path.Value), out var handler))
        {
            try
            {
                await handler(context);
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away mid-body; that is the client's story, not a server error.
            }
            return;
        }
        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static string Normalize(string? path) => "/" + (path ?? "").TrimStart('/');
}

/// <summary>One request that reached <see cref="SourceServer"/>; header names are lower-case.</summary>
public sealed record RecordedSourceRequest(
    string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, DateTimeOffset Time);
