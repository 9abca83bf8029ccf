using System.Runtime.ExceptionServices;

namespace S3ZipExport.Pipeline;

/// <summary>
/// The one rule for reporting a failure of concurrent work: the first real failure is what the caller sees, not the
/// cancellations it caused. A failing stage (or part upload) cancels the shared token, so the others usually end
/// with an OperationCanceledException that says nothing about why. Used by the export's two stages, the parallel
/// deflater's reader and writer, and the upload's parts in flight.
/// </summary>
internal sealed class FirstFailure
{
    private Exception? _first;

    public bool HasFailed => Volatile.Read(ref _first) is not null;

    /// <summary>Keeps <paramref name="failure"/> unless a failure is already kept; false when one was.</summary>
    public bool Record(Exception failure) => Interlocked.CompareExchange(ref _first, failure, null) is null;

    /// <summary>Throws the kept failure, with its original stack, if there is one.</summary>
    public void ThrowIfAny()
    {
        if (Volatile.Read(ref _first) is { } failure) ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Waits for every task; when any failed, throws the root cause rather than a cancellation.</summary>
    public static async Task WhenAllAsync(params Task[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            var failures = tasks.Where(t => t.IsFaulted || t.IsCanceled)
                .SelectMany(t => t.Exception?.InnerExceptions ?? [new TaskCanceledException(t)])
                .ToList();
            ExceptionDispatchInfo.Throw(RootCause(failures));
        }
    }

    /// <summary>
    /// <paramref name="error"/> ended one side; waits for <paramref name="otherSide"/> to stop, then throws the root
    /// cause: the other side's error when ours is only the cancellation it caused.
    /// </summary>
    public static async Task ThrowRootCauseAsync(Exception error, Task otherSide)
    {
        try
        {
            await otherSide;
        }
        catch (Exception otherError) when (error is OperationCanceledException && otherError is not OperationCanceledException)
        {
            ExceptionDispatchInfo.Throw(otherError);
        }
        catch
        {
            // The other side failed as a consequence of this one; report ours.
        }
        ExceptionDispatchInfo.Throw(error);
    }

    private static Exception RootCause(List<Exception> failures) =>
        failures.FirstOrDefault(e => e is not OperationCanceledException) ?? failures[0];
}
