using System.Diagnostics;

namespace S3ZipExport.Source;

/// <summary>
/// Keeps at least <c>EXPORT_SOURCE_MIN_INTERVAL_MS</c>, plus <see cref="Margin"/>, between two source requests of one
/// export: pages, retries and resumes alike. connpass allows one request a second per key and answers 429 (without
/// Retry-After) beyond it, so waiting here is cheaper than being refused. The interval is counted from the end of the
/// previous answer, its last body byte (or the error that ended it), not from when it was sent or from its headers:
/// a server may measure from any moment up to then, and a page's body takes time to arrive. Also counts the requests
/// sent. Requests of one export are sequential (one document open at a time).
/// </summary>
internal sealed class RequestPacer(TimeSpan minInterval)
{
    /// <summary>
    /// Added to a nonzero interval: clocks and timers on both ends are a few ms apart, and arriving 2 ms early still
    /// earns a 429. Tens of ms cost an export of 900 pages under a minute.
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(50);

    private readonly TimeSpan _interval = minInterval > TimeSpan.Zero ? minInterval + Margin : TimeSpan.Zero;
    private long _lastAnswered;
    private int _requests;
    private volatile bool _seeded;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Waits until the next request may be sent, then counts it.</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        // A loop, not one delay: timers may fire up to a tick early, and arriving 2 ms early still earns a 429.
        while ((Requests > 0 || _seeded) && _interval - Stopwatch.GetElapsedTime(Volatile.Read(ref _lastAnswered)) is var wait && wait > TimeSpan.Zero)
            await Task.Delay(wait + TimeSpan.FromMilliseconds(1), ct);
        Interlocked.Increment(ref _requests);
    }

    /// <summary>The answer ended (its last body byte arrived, or it failed): the interval to the next request starts now.</summary>
    public void Answered()
    {
        Volatile.Write(ref _lastAnswered, Stopwatch.GetTimestamp());
        LastAnsweredUtc = DateTimeOffset.UtcNow;
    }

    /// <summary>When the last answer ended, in wall-clock time: what an invocation hands the next one.</summary>
    public DateTimeOffset? LastAnsweredUtc { get; private set; }

    /// <summary>Counts the interval from an answer an earlier invocation had, as if this pacer had seen it.</summary>
    public void SeedLastAnswered(DateTimeOffset? lastAnswered)
    {
        if (lastAnswered is not { } at) return;
        var ago = DateTimeOffset.UtcNow - at;
        Volatile.Write(ref _lastAnswered, Stopwatch.GetTimestamp() - (long)(Math.Max(0, ago.TotalSeconds) * Stopwatch.Frequency));
        LastAnsweredUtc = at;
        _seeded = true;   // so the very first request of this invocation waits too
    }
}
