using System.Runtime.ExceptionServices;

namespace S3ZipExport.Pipeline;

/// <summary>
/// Picks the exception to report when one of two pipeline stages fails. A failing stage cancels the shared
/// token, so the other stage usually ends with an OperationCanceledException that says nothing about the cause;
/// the caller must see the original error (DESIGN.md: "the first exception is what the caller sees").
/// </summary>
internal static class StageFailure
{
    /// <summary>Waits for <paramref name="otherStage"/> to stop, then throws the root cause.</summary>
    public static async Task ThrowRootCauseAsync(Exception error, Task otherStage)
    {
        try
        {
            await otherStage.ConfigureAwait(false);
        }
        catch (Exception otherError) when (error is OperationCanceledException && otherError is not OperationCanceledException)
        {
            ExceptionDispatchInfo.Throw(otherError);
        }
        catch
        {
            // The other stage failed as a consequence of this one; report ours.
        }
        ExceptionDispatchInfo.Throw(error);
    }
}
