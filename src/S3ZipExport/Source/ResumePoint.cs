namespace S3ZipExport.Source;

/// <summary>
/// Where a later invocation reads a document on from: the byte offset, and the validator (the strong ETag or the
/// Last-Modified date the first answer carried) that If-Range sends, so a document that changed meanwhile is not
/// spliced: the server then answers 200 with the whole new document, and the export fails saying so.
/// </summary>
internal sealed record ResumePoint(long Offset, string Validator);
