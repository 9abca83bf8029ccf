using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// A Kestrel reverse proxy in front of a local S3 (moto_server) that records every request and injects faults on
/// demand, and otherwise only forwards: requests and responses as sent (raw target, headers incl. Host and
/// Authorization, streamed bodies). The S3 rules themselves (Abort, ListMultipartUploads, Complete's part order,
/// ETags and 5 MiB minimum, If-None-Match) are the server's to enforce, not the proxy's. moto does not verify SigV4
/// signatures, so nothing needs re-signing. Whatever else the server emulates on the same endpoint (SSM) passes
/// through too.
/// </summary>
public sealed partial class S3RecordingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _upstreamBase;
    private readonly List<RecordedRequest> _requests = [];

    private S3RecordingProxy(WebApplication app, Uri endpoint, Uri upstreamBase)
    {
        _app = app;
        Endpoint = endpoint;
        _upstreamBase = upstreamBase;
        _upstream = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The address to give the S3 client as ServiceURL (path-style).</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// Called for every request once its headers arrive (before forwarding); return null to pass it on.
    /// Runs on Kestrel threads, possibly concurrently.
    /// </summary>
    public Func<RecordedRequest, Fault?>? Inject { get; set; }

    /// <summary>Snapshot of every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests { get { lock (_requests) return _requests.ToArray(); } }

    public void ClearRequests() { lock (_requests) _requests.Clear(); }

    /// <summary>The most UploadPart requests that were in flight at the proxy at one moment.</summary>
    public int MaxConcurrentUploadParts
    {
        get
        {
            // Sweep over start (+1) and end (-1) events; at equal times an end goes first, so back-to-back is not overlap.
            var events = Requests.Where(r => r.Operation == S3Operation.UploadPart)
                .SelectMany(r => new[] { (Time: r.Start, Delta: +1), (Time: r.End ?? DateTimeOffset.MaxValue, Delta: -1) })
                .OrderBy(e => e.Time).ThenBy(e => e.Delta);
            int current = 0, max = 0;
            foreach (var (_, delta) in events) max = Math.Max(max, current += delta);
            return max;
        }
    }

    /// <summary>
    /// Body sizes of the parts the server accepted for <paramref name="uploadId"/>, ordered by part number (the last
    /// successful upload of each number wins, as in S3).
    /// </summary>
    public IReadOnlyList<long> PartSizes(string uploadId) =>
        Requests.Where(r => r.Operation == S3Operation.UploadPart && r.UploadId == uploadId && r.Succeeded && r.PartNumber is not null)
            .GroupBy(r => r.PartNumber!.Value)
            .OrderBy(g => g.Key)
            .Select(g => g.Last().BytesReceived)
            .ToList();

    /// <summary>Starts a proxy in front of the server at <paramref name="upstream"/>.</summary>
    public static async Task<S3RecordingProxy> StartAsync(Uri upstream, CancellationToken ct = default)
    {
        S3RecordingProxy? proxy = null;
        var (app, endpoint) = await LoopbackWebServer.StartAsync(context => proxy!.HandleAsync(context), ct);
        proxy = new S3RecordingProxy(app, endpoint, upstream);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private static async Task ReadAtMostAsync(HttpContext context, long count)
    {
        var buffer = new byte[Math.Min(count, 81920)];
        for (long read = 0, n = 1; read < count && n > 0; read += n)
            n = await context.Request.Body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count - read)), context.RequestAborted);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var recorded = RecordedRequest.From(context.Request, DateTimeOffset.UtcNow);
        lock (_requests) _requests.Add(recorded);
        var body = new CountingReadStream(context.Request.Body);
        context.Request.Body = body;
        var reset = false;
        try
        {
            var fault = Inject?.Invoke(recorded);
            recorded.Fault = fault;
            switch (fault?.Kind)
            {
                case FaultKind.Error:
                    await S3ErrorResponse.WriteAsync(context, fault.StatusCode, fault.ErrorCode!,
                        $"Injected by {nameof(S3RecordingProxy)}.{nameof(Inject)}.");
                    return;
                case FaultKind.Reset:
                    reset = true;
                    await ReadAtMostAsync(context, fault.AfterBodyBytes);
                    context.Abort();
                    return;
                case FaultKind.Delay:
                    await Task.Delay(fault.Delay, context.RequestAborted);
                    break;
            }

            await ForwardAsync(context);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (timeout, cancellation, its own reset): nothing left to answer.
            reset = true;
        }
        catch (HttpRequestException e) when (!context.Response.HasStarted)
        {
            await S3ErrorResponse.WriteAsync(context, StatusCodes.Status502BadGateway, "BadGateway",
                $"{nameof(S3RecordingProxy)} could not reach the server at {_upstreamBase}: {e.Message}");
        }
        finally
        {
            recorded.BytesReceived = body.BytesRead;
            recorded.StatusCode = reset ? null : context.Response.StatusCode;
            recorded.End = DateTimeOffset.UtcNow;
        }
    }
}
