namespace S3ZipExport.Records;

/// <summary>The source's bytes are not the JSON the settings describe; the message says where (byte offset, record).</summary>
public class BadInputException(string message, Exception? inner = null) : Exception(message, inner);
