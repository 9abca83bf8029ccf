namespace S3ZipExport.Records;

/// <summary>
/// EXPORT_RECORDS_PATH does not lead to an array in the document (a property missing, or not an object or array on
/// the way): the rest of the input may be fine, only the setting does not match it. Its own type so a caller can tell
/// this from other bad input without reading the message (the local invoker's --discover then looks for the arrays).
/// </summary>
public sealed class RecordsPathException(string message) : BadInputException(message);
