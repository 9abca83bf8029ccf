using System.Diagnostics;

namespace S3ZipExport.Source;

/// <summary>
/// Keeps at least <c>EXPORT_SOURCE_MIN_INTERVAL_MS</c> between two source requests of one export: pages, retries and
/// resumes alike. connpass allows one request a second per key and answers 429 (without Retry-After) beyond it, so
/// waiting here is cheaper than being refused. The interval is counted from when the previous request was answered,
/// not from when it was sent: the server saw that request somewhere in between (a new connection's handshake can
/// delay it), so only then is the next one sure to arrive an interval later. Also counts the requests sent.
/// Requests of one export are sequential (one document open at a time), so no locking.
/// </summary>
internal sealed class RequestPacer(TimeSpan minInterval)
{
    private long _lastAnswered;
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Waits until the next request may be sent, then counts it.</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        // A loop, not one delay: timers may fire up to a tick early, and arriving 2 ms early still earns a 429.
        while (Requests > 0 && minInterval - Stopwatch.GetElapsedTime(Volatile.Read(ref _lastAnswered)) is var wait && wait > TimeSpan.Zero)
            await Task.Delay(wait + TimeSpan.FromMilliseconds(1), ct);
        Interlocked.Increment(ref _requests);
    }

    /// <summary>The request's response headers arrived, or it failed: the interval to the next one starts now.</summary>
    public void Answered() => Volatile.Write(ref _lastAnswered, Stopwatch.GetTimestamp());
}
