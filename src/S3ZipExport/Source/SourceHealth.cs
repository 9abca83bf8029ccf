namespace S3ZipExport.Source;

/// <summary>
/// The last failure the source is being retried for, until a request of it succeeds again: so that an export stopped
/// by its deadline while the source keeps answering 503 says so, rather than that the source never answered.
/// </summary>
internal sealed class SourceHealth
{
    private volatile string? _failing;

    /// <summary>The failure being retried (status or error, and the attempt), or null when the source last answered well.</summary>
    public string? Failing => _failing;

    public void Retrying(string failure) => _failing = failure;

    public void Answered() => _failing = null;
}
