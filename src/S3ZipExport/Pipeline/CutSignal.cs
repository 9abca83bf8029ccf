namespace S3ZipExport.Pipeline;

/// <summary>
/// Asks the reading stage to stop at the next point it can resume from (a record boundary, or a page boundary when
/// paging), so that an export that cannot finish in one invocation is saved and continued by the next. Set by a
/// timer: the invocation's deadline, or EXPORT_SLICE_SECONDS; checked after every record, which costs a volatile read.
/// </summary>
internal sealed class CutSignal : IDisposable
{
    private readonly Timer? _timer;
    private volatile bool _requested;

    /// <param name="after">When to ask for the cut; null never asks (an export that must finish in one run).</param>
    public CutSignal(TimeSpan? after)
    {
        if (after is { } delay) _timer = new Timer(_ => _requested = true, null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    public bool IsRequested => _requested;

    public void Request() => _requested = true;

    public void Dispose() => _timer?.Dispose();
}
