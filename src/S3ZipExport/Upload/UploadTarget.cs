namespace S3ZipExport.Upload;

/// <summary>Where the object goes and what it says about itself.</summary>
internal sealed record UploadTarget(string Bucket, string Key, string ContentType, string ContentDisposition)
{
    /// <summary>AES256 or aws:kms; null leaves it to the bucket's default encryption.</summary>
    public string? ServerSideEncryption { get; init; }
    public string? SseKmsKeyId { get; init; }
    /// <summary>Complete only if no object exists at the key (S3 answers 412 otherwise).</summary>
    public bool OnlyIfAbsent { get; init; }
}
