namespace S3ZipExport.Pipeline;

/// <summary>
/// Objects (buffers, mostly) kept for reuse by one export, so the bytes streaming through make no garbage. A new
/// one is created only when every earlier one is in use, so their number stays at the most ever in use at once,
/// which the stage using the pool bounds. Why not ArrayPool.Shared: it keeps a returned array in the returning
/// thread's own slot first, and arrays handed from one task to another come back on whichever thread-pool thread ran
/// the other task, so they sat in those slots while the renting thread allocated new ones (9-11 MB of 1 MiB chunks
/// over a 1-4 GB export at 2 compression threads).
/// </summary>
internal sealed class ReusePool<T>(Func<T> create) where T : class
{
    private readonly Stack<T> _free = new();

    /// <summary>How many were created: the most in use at once.</summary>
    public int Created { get; private set; }

    public T Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out var item)) return item;
            Created++;
        }
        return create();
    }

    public void Return(T item)
    {
        lock (_free) _free.Push(item);
    }

    public void Clear()
    {
        lock (_free) _free.Clear();
    }
}
