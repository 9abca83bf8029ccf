using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace S3ZipExport.Tests.Fixtures;

public sealed partial class S3RecordingProxy
{
    // Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection; HttpClient and Kestrel write their own.
    // Content-Length is set from the body below; Expect is answered by Kestrel when the body is first read.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection",
        "Proxy-Authorization", "Proxy-Authenticate", "Expect", "Content-Length", "Host",
    };

    /// <summary>Sends the request to the server and streams the answer back.</summary>
    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        // The raw target keeps the client's percent-encoding of the key exactly.
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        using var upstreamRequest = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstreamBase, rawTarget));

        if (request.ContentLength is not null || request.Headers.TransferEncoding.Count > 0)
        {
            // Streamed: a part is never held whole in the proxy. Without a length, HttpClient sends it chunked.
            upstreamRequest.Content = new StreamContent(request.Body, 81920);
            upstreamRequest.Content.Headers.ContentLength = request.ContentLength;
        }

        foreach (var (name, values) in request.Headers)
        {
            if (NotForwarded.Contains(name)) continue;
            if (!upstreamRequest.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                upstreamRequest.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        upstreamRequest.Headers.Host = request.Host.Value;

        using var response = await _upstream.SendAsync(upstreamRequest, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat<KeyValuePair<string, IEnumerable<string>>>(response.Content.Headers))
        {
            // Content-Length does go back: a HEAD answer has no body to derive it from.
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || !NotForwarded.Contains(name))
                context.Response.Headers[name] = values.ToArray();
        }
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>Counts the body bytes the proxy reads from the client.</summary>
    private sealed class CountingReadStream(Stream inner) : ForwardOnlyReadStream
    {
        private long _bytesRead;

        public long BytesRead => Interlocked.Read(ref _bytesRead);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            Interlocked.Add(ref _bytesRead, n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) =>
            throw new NotSupportedException("Kestrel bodies are read asynchronously.");
    }
}
