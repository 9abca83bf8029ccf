using System.Collections.Concurrent;
using System.Diagnostics;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// Counts the HTTP requests this process sends, every attempt (retries too), by kind: S3's state.json and
/// tail-NNNNN.bin under the state prefix, the object's upload, and the source. It listens to the runtime's own
/// "System.Net.Http" activities, which HttpClient starts for every request it sends (the AWS SDK's included), so the
/// function is measured as it is, with nothing wrapped.
/// </summary>
internal sealed class HttpRequestCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public HttpRequestCounter(Uri s3Endpoint, Uri? source, string? statePrefix)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("url.full") is not string url || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return;
                var method = activity.GetTagItem("http.request.method") as string ?? "?";
                _counts.AddOrUpdate(KindOf(method, uri, s3Endpoint, source, statePrefix), 1, (_, n) => n + 1);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Requests so far by kind, e.g. "state PUT" = 3.</summary>
    public Dictionary<string, int> Counts => new(_counts, StringComparer.Ordinal);

    /// <summary>"state GET", "tail PUT", "state record PUT", "state list GET", "upload POST", "source GET" or "other GET": what a request to <paramref name="uri"/> is for.</summary>
    public static string KindOf(string method, Uri uri, Uri s3Endpoint, Uri? source, string? statePrefix)
    {
        var what = "other";
        if (source is not null && uri.Authority == source.Authority) what = "source";
        else if (uri.Authority == s3Endpoint.Authority)
        {
            // Path style: /bucket/key. The state's objects are the prefix's state.json, tail-NNNNN.bin and upload-ID
            // records; listing the folder (ListObjectsV2) names the prefix in the query.
            var path = Uri.UnescapeDataString(uri.AbsolutePath);
            var query = Uri.UnescapeDataString(uri.Query);
            var underPrefix = statePrefix is not null && path.Contains("/" + statePrefix, StringComparison.Ordinal);
            what = statePrefix is not null && query.Contains("prefix=" + statePrefix, StringComparison.Ordinal) ? "state list"
                : !underPrefix ? "upload"
                : path.EndsWith("/state.json", StringComparison.Ordinal) ? "state"
                : path.Contains("/upload-", StringComparison.Ordinal) ? "state record"
                : "tail";
        }
        return $"{what} {method}";
    }

    public void Dispose() => _listener.Dispose();
}
