using System.Diagnostics;

namespace S3ZipExport.Source;

/// <summary>
/// Keeps at least <c>EXPORT_SOURCE_MIN_INTERVAL_MS</c> between the starts of two source requests of one export:
/// pages, retries and resumes alike. connpass allows one request a second per key and answers 429 (without
/// Retry-After) beyond it, so waiting here is cheaper than being refused. Also counts the requests sent.
/// </summary>
internal sealed class RequestPacer(TimeSpan minInterval)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastStart;
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Waits until the next request may start, then counts it as started.</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_requests > 0 && minInterval - Stopwatch.GetElapsedTime(_lastStart) is var wait && wait > TimeSpan.Zero)
                await Task.Delay(wait, ct);
            _lastStart = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _requests);
        }
        finally
        {
            _gate.Release();
        }
    }
}
