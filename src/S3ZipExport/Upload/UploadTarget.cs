namespace S3ZipExport.Upload;

/// <summary>Where the object goes and what it says about itself.</summary>
internal sealed record UploadTarget(string Bucket, string Key, string ContentType, string ContentDisposition);
