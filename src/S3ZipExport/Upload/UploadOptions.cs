namespace S3ZipExport.Upload;

/// <summary>Where the object goes, what it says about itself, and how it is uploaded.</summary>
internal sealed record UploadOptions
{
    public const int DefaultPartSizeMiB = 8;
    public const int DefaultConcurrency = 4;
    public const IfExists DefaultIfExists = IfExists.Overwrite;
    public const FullObjectChecksum DefaultChecksum = FullObjectChecksum.Crc64Nvme;

    public required string Bucket { get; init; }

    /// <summary>The object key, already rendered from the key template for this invocation.</summary>
    public required string Key { get; init; }

    public string ContentType { get; init; } = "application/zip";

    /// <summary>The first part's size; parts grow with the part number (see <see cref="PartSizeSchedule"/>).</summary>
    public long PartBytes { get; init; } = DefaultPartSizeMiB * PartSizeSchedule.MiB;

    /// <summary>The largest a part may grow to: what the function's memory leaves for concurrency + 1 part buffers.</summary>
    public long MaxPartBytes { get; init; } = PartSizeSchedule.MaxPartBytes;

    /// <summary>Parts uploading at once; the writer waits when all are in flight.</summary>
    public int Concurrency { get; init; } = DefaultConcurrency;

    /// <summary>AES256 or aws:kms; null leaves it to the bucket's default encryption.</summary>
    public string? ServerSideEncryption { get; init; }

    public string? SseKmsKeyId { get; init; }

    public IfExists IfExists { get; init; } = DefaultIfExists;

    /// <summary>The checksum of every part and of the whole object (FULL_OBJECT); S3's own default unless set.</summary>
    public FullObjectChecksum Checksum { get; init; } = DefaultChecksum;

    /// <summary>Write only if no object exists at the key (S3 answers 412 otherwise).</summary>
    public bool OnlyIfAbsent => IfExists == IfExists.Fail;

    /// <summary>A browser download keeps the key's file name.</summary>
    public string ContentDisposition => Upload.ContentDisposition.Attachment(Key.Split('/')[^1]);

    public PartSizeSchedule Parts => new(PartBytes, MaxPartBytes);
}

/// <summary>What to do when the key already holds an object (a rerun of the same scheduled time).</summary>
internal enum IfExists { Overwrite, Skip, Fail }
