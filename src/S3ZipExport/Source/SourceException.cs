namespace S3ZipExport.Source;

/// <summary>The source could not be read: an HTTP status, a network failure, or input that is not what was promised.</summary>
public sealed class SourceException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// Reading the source again from its first byte could succeed (the body broke off and the server cannot
    /// resume it), so the export may restart with a new upload.
    /// </summary>
    public bool RestartCanHelp { get; init; }
}
