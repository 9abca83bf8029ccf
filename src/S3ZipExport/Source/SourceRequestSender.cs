using System.Net;
using System.Net.Http.Headers;
using Polly;
using S3ZipExport.Contract;
using S3ZipExport.Telemetry;

namespace S3ZipExport.Source;

/// <summary>
/// Sends one GET to the source through the retry pipeline and returns a successful response (headers read, body
/// not yet), or throws a <see cref="SourceException"/> that names the status or the failure and the redacted URL.
/// <paramref name="origin"/> is the configured source URL the request belongs to: the API key and the extra headers
/// go to its origin only.
/// </summary>
internal sealed class SourceRequestSender(HttpClient client, SourceOptions options, string? apiKey, AttemptBudget budget, Uri origin, RequestPacer pacer,
    SourceHealth health)
{
    // Redirects are followed here, not by the handler: the API key must not follow one to another origin.
    private const int MaxRedirects = 5;

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = SourceRetryPipeline.Create(options.RetryBase, budget, origin, health.Retrying);
    private readonly ResiliencePipeline _timeout = SourceRetryPipeline.CreateTimeout(options.ReadTimeout);

    public AttemptBudget Budget => budget;

    /// <summary>Asks for the body as stored (Accept-Encoding: identity), so its byte offsets are the stored bytes'.</summary>
    public bool AsStored { get; init; }

    /// <summary>The body of the answer this sender returned has ended (read to its end, broken off, or closed).</summary>
    public void BodyEnded() => pacer.Answered();

    /// <param name="from">Null for the whole body; else the byte offset to continue from.</param>
    /// <param name="ifRange">With <paramref name="from"/>: the validator that makes a changed resource answer 200.</param>
    public async Task<HttpResponseMessage> SendAsync(Uri url, long? from, RangeConditionHeaderValue? ifRange, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                // Paced inside the retry loop, so a retry after a 429 keeps the interval too; outside the timeout,
                // whose clock is for the server's answer, not for our own wait.
                await pacer.WaitAsync(token);
                budget.Take();
                HttpResponseMessage? answer = null;
                try
                {
                    return answer = await _timeout.ExecuteAsync(t => FollowRedirectsAsync(url, from, ifRange, t), token);
                }
                finally
                {
                    // A good answer ends with its body (BodyEnded); a failure has ended here.
                    if (answer is not { IsSuccessStatusCode: true }) pacer.Answered();
                }
            }, ct);
        }
        catch (Exception e) when (e is not SourceException && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            throw new SourceException($"Source {UrlRedaction.Redact(url)} could not be read{AfterAttempts()}: {e.Message}", e);
        }
        if (response.IsSuccessStatusCode)
        {
            health.Answered();
            return response;
        }

        using (response)
        {
            var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            var retryAfter = SourceRetryPipeline.RetryAfter(response);
            if (retryAfter > SourceRetryPipeline.MaxRetryAfter)
                throw new SourceException($"Source {UrlRedaction.Redact(url)} answered {status} and asked to retry after {retryAfter.Value.TotalSeconds:0} s, longer than the {SourceRetryPipeline.MaxRetryAfter.TotalSeconds:0} s an export waits.");
            var transient = TransientFailure.IsTransient(response.StatusCode);
            throw new SourceException($"Source {UrlRedaction.Redact(url)} answered {status}{(transient ? AfterAttempts() : "")}.");
        }
    }

    private string AfterAttempts() =>
        budget.Used > 1 ? $" after {budget.Used} attempts ({SettingNames.SourceMaxAttempts}={budget.Max})" : "";

    private async ValueTask<HttpResponseMessage> FollowRedirectsAsync(Uri url, long? from, RangeConditionHeaderValue? ifRange, CancellationToken ct)
    {
        var target = url;
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            if (apiKey is not null && SameOrigin(target, origin))
                request.Headers.TryAddWithoutValidation(options.ApiKey.Header, apiKey);
            // HttpClient adds a default header (Accept, User-Agent) only when the request has none of that name.
            if (SameOrigin(target, origin))
                foreach (var (name, value) in options.Headers)
                    request.Headers.TryAddWithoutValidation(name, value);
            if (AsStored) request.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
            if (from is not null)
            {
                request.Headers.Range = new RangeHeaderValue(from, null);
                request.Headers.IfRange = ifRange;
            }
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location) return response;
            response.Dispose();
            if (hop == MaxRedirects)
                throw new SourceException($"Source {UrlRedaction.Redact(url)} redirected more than {MaxRedirects} times.");
            target = new Uri(target, location);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
}
