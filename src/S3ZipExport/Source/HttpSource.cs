using System.Net;
using System.Net.Http.Headers;
using S3ZipExport.Settings;

namespace S3ZipExport.Source;

/// <summary>Opens the source URL as a byte stream: headers first, body read as it arrives, never buffered whole.</summary>
internal static class HttpSource
{
    public static readonly string UserAgent =
        $"S3ZipExport/{typeof(HttpSource).Assembly.GetName().Version?.ToString(3)} (+https://github.com/s3zipexport/s3zipexport)";

    // One client per process (a Lambda cold start): connection pooling across warm invocations.
    private static readonly HttpClient Client = CreateClient();

    private static HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            // Decompression happens as a stream inside the handler; the parser sees plain JSON bytes.
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Brotli | DecompressionMethods.Deflate,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        // The whole export is one long body read: a per-request timeout would cut a healthy multi-GB download.
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>Sends GET and returns the response once its headers arrived with a success status.</summary>
    public static async Task<HttpResponseMessage> OpenAsync(Uri url, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new SourceException($"Source {UrlRedaction.Redact(url)} could not be reached: {e.Message}", e);
        }
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new SourceException($"Source {UrlRedaction.Redact(url)} answered HTTP {status} {response.ReasonPhrase}.");
        }
        return response;
    }
}
