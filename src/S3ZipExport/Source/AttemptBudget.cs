namespace S3ZipExport.Source;

/// <summary>
/// The requests one source document (one URL, or one page of it) may take: the first, its retries and every resume
/// after a dropped connection draw from the same count, so a flaky source cannot keep an export alive forever.
/// </summary>
internal sealed class AttemptBudget(int maxAttempts)
{
    private int _used;

    public int Max => maxAttempts;
    public int Used => _used;
    public bool HasAttemptLeft => _used < maxAttempts;

    /// <summary>Counts one request about to be sent.</summary>
    public void Take() => Interlocked.Increment(ref _used);
}
