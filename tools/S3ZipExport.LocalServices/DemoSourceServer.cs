using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace S3ZipExport.LocalServices;

/// <summary>
/// Serves <see cref="ConnpassDemoData"/> over HTTP on 127.0.0.1: <c>GET /events.json?size_mb=N</c> streams a document
/// of about N decimal megabytes (default 1, fractions allowed) as chunked <c>application/json</c>, generated while
/// it is sent, so the server's memory does not grow with N. Or, started with <see cref="ServeFileAsync"/>, it sends
/// a document saved beforehand (size_mb is then ignored) with next to no CPU: the kernel copies the file
/// (sendfile), with Content-Length, ETag and byte ranges, so an exporter that resumes with Range/If-Range can.
/// </summary>
public sealed class DemoSourceServer : IAsyncDisposable
{
    public const string EventsPath = "/events.json";

    private readonly WebApplication _app;

    private DemoSourceServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The URL of a document of about <paramref name="sizeMB"/> decimal megabytes.</summary>
    public Uri EventsUrl(double sizeMB) => EventsUrl(Url, sizeMB);

    public static Uri EventsUrl(Uri baseUrl, double sizeMB) =>
        new(baseUrl, $"{EventsPath.TrimStart('/')}?size_mb={sizeMB.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Starts listening on <paramref name="address"/> (127.0.0.1 unless given: 0.0.0.0 lets a container reach it),
    /// generating documents on request; port 0 picks a free one.
    /// </summary>
    public static Task<DemoSourceServer> StartAsync(int port = 0, IPAddress? address = null, CancellationToken ct = default) =>
        StartAsync(port, address, app => app.MapGet(EventsPath, ServeEventsAsync), ct);

    /// <summary>Starts listening as <see cref="StartAsync(int, IPAddress?, CancellationToken)"/>, sending the file at <paramref name="documentPath"/> for every request.</summary>
    public static Task<DemoSourceServer> ServeFileAsync(string documentPath, int port = 0, IPAddress? address = null, CancellationToken ct = default)
    {
        var file = new FileInfo(documentPath);
        if (!file.Exists) throw new FileNotFoundException($"The document to serve, {file.FullName}, does not exist.", file.FullName);
        // Length and time of the file name its version: a document rewritten in place gets a new ETag.
        var etag = new EntityTagHeaderValue($"\"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}\"");
        return StartAsync(port, address, app => app.MapGet(EventsPath, () =>
            Results.File(file.FullName, "application/json; charset=utf-8", lastModified: file.LastWriteTimeUtc, entityTag: etag,
                enableRangeProcessing: true)), ct);
    }

    private static async Task<DemoSourceServer> StartAsync(int port, IPAddress? address, Action<WebApplication> map, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Nothing on stdout: the local invoker reads the function's log lines there.
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address ?? IPAddress.Loopback, port));
        // The host's default lifetime takes over Ctrl+C and SIGTERM to stop itself, which would leave the process
        // that embeds this server running; its owner decides when it stops.
        builder.Services.AddSingleton<IHostLifetime, OwnerControlledLifetime>();
        var app = builder.Build();
        map(app);
        await app.StartAsync(ct);

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new DemoSourceServer(app, new Uri(bound.TrimEnd('/') + "/"));
    }

    private static async Task ServeEventsAsync(HttpContext context)
    {
        var sizeText = context.Request.Query["size_mb"].FirstOrDefault() ?? "1";
        if (!double.TryParse(sizeText, NumberStyles.Float, CultureInfo.InvariantCulture, out var sizeMB) || sizeMB is < 0 or > 1_000_000)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"size_mb must be a number of megabytes from 0 to 1000000, got '{sizeText}'\n", context.RequestAborted);
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        // No Content-Length: Kestrel sends the body chunked, as many real APIs do for large results.
        await ConnpassDemoData.WriteAsync(context.Response.Body, (long)(sizeMB * ConnpassDemoData.BytesPerMB), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class OwnerControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
