using System.Net;
using Polly;
using Polly.Retry;
using S3ZipExport.Telemetry;

namespace S3ZipExport.Source;

/// <summary>
/// The one retry policy for source requests (Polly): transient failures are retried with exponential backoff and
/// jitter while the <see cref="AttemptBudget"/> lasts; <c>Retry-After</c> is honoured; waiting for the response
/// headers is bounded by the read timeout (<see cref="CreateTimeout"/>; the client itself has none, see
/// <see cref="HttpSource"/>). Between the two, <see cref="RequestPacer"/> keeps the minimum interval.
/// </summary>
internal static class SourceRetryPipeline
{
    /// <summary>A server asking for a longer pause than this is not waited for: the export fails and says so.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public static ResiliencePipeline<HttpResponseMessage> Create(TimeSpan retryBase, AttemptBudget budget, Uri url, Action<string> onRetry)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (budget.Max > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                // The budget is the real bound (resumes draw from it too); this only keeps Polly's own count in step.
                MaxRetryAttempts = budget.Max - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retryBase,
                MaxDelay = retryBase > MaxBackoff ? retryBase : MaxBackoff,
                ShouldHandle = args => ValueTask.FromResult(budget.HasAttemptLeft && ShouldRetry(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(ServerAskedDelay(args.Outcome.Result, args.AttemptNumber, retryBase)),
                OnRetry = args =>
                {
                    onRetry($"{Describe(args.Outcome)}, attempt {budget.Used} of {budget.Max}");
                    JsonLog.Info("source request failed, retrying", new Dictionary<string, object?>
                    {
                        ["source"] = UrlRedaction.Redact(url),
                        ["attempt"] = budget.Used,
                        ["maxAttempts"] = budget.Max,
                        ["failure"] = Describe(args.Outcome),
                        ["delayMs"] = (long)args.RetryDelay.TotalMilliseconds,
                    });
                    return ValueTask.CompletedTask;
                },
            });
        }
        return builder.Build();
    }

    /// <summary>Bounds the wait for one attempt's response headers; inside the retry, so a timeout is retried.</summary>
    public static ResiliencePipeline CreateTimeout(TimeSpan readTimeout) =>
        new ResiliencePipelineBuilder().AddTimeout(readTimeout).Build();

    public static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } response ? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}" : outcome.Exception?.Message ?? "unknown";

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: { } e } => TransientFailure.IsTransient(e),
        { Result: { } r } => TransientFailure.IsTransient(r.StatusCode) && !(RetryAfter(r) > MaxRetryAfter),
        _ => false,
    };

    /// <summary>
    /// The server's own wish first (RFC 9110 §10.2.3, seconds or an HTTP-date). A 429 without one still waits at
    /// least the base delay: Polly's decorrelated jitter can pick far less for the first retry, and connpass answers
    /// 429 with no Retry-After to clients over one request a second. Null: Polly's backoff decides.
    /// </summary>
    private static TimeSpan? ServerAskedDelay(HttpResponseMessage? response, int attempt, TimeSpan baseDelay)
    {
        if (response is null) return null;
        if (RetryAfter(response) is { } asked) return asked;
        if (response.StatusCode != HttpStatusCode.TooManyRequests) return null;
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, attempt);
        return TimeSpan.FromMilliseconds(Math.Min(exponential, MaxBackoff.TotalMilliseconds) * (1 + Random.Shared.NextDouble() / 2));
    }

    public static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => (date - DateTimeOffset.UtcNow) is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
