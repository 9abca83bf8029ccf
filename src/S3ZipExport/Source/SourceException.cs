namespace S3ZipExport.Source;

/// <summary>The source could not be read: an HTTP status, a network failure, or input that is not what was promised.</summary>
public sealed class SourceException(string message, Exception? inner = null) : Exception(message, inner);
