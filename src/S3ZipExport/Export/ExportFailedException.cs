namespace S3ZipExport.Export;

/// <summary>The export stopped for a reason the user must act on (deadline, existing object); the message says which.</summary>
public sealed class ExportFailedException(string message, Exception? inner = null) : Exception(message, inner);
