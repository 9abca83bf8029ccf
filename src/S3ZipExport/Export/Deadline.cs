namespace S3ZipExport.Export;

/// <summary>
/// Lambda kills a function at its timeout without warning, which would leave the multipart upload incomplete.
/// The export stops a margin earlier, so the abort (and the error that says how far it got) always happens.
/// </summary>
internal static class Deadline
{
    public static TimeSpan Margin(TimeSpan timeout) =>
        TimeSpan.FromSeconds(Math.Clamp(timeout.TotalSeconds * 0.05, 10, 60));

    public static TimeSpan StopAfter(TimeSpan timeout) => timeout - Margin(timeout);
}
