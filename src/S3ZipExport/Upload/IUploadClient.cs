namespace S3ZipExport.Upload;

/// <summary>
/// The S3 calls of one object's upload, behind a small seam: the stream's backpressure, ordering and failure rules
/// are tested in milliseconds with a scripted client (the way System.IO.Pipelines tests backpressure), beside the
/// tests against real S3-protocol servers. Failures come out already described (<see cref="Aws.AwsRequestException"/>).
/// </summary>
internal interface IUploadClient
{
    /// <summary>CreateMultipartUpload; returns the upload id.</summary>
    Task<string> CreateAsync(CancellationToken ct);

    Task<UploadedPart> UploadPartAsync(string uploadId, int partNumber, ReadOnlyMemory<byte> body, ulong checksum, CancellationToken ct);

    /// <summary>CompleteMultipartUpload with the parts in order and the whole object's checksum and size; returns the ETag.</summary>
    Task<string> CompleteAsync(string uploadId, IReadOnlyList<UploadedPart> parts, ulong objectChecksum, long objectSize, CancellationToken ct);

    /// <summary>AbortMultipartUpload; an upload already gone counts as aborted.</summary>
    Task AbortAsync(string uploadId, CancellationToken ct);

    /// <summary>The whole object in one PutObject, for an export smaller than one part; returns the ETag.</summary>
    Task<string> PutAsync(ReadOnlyMemory<byte> body, ulong checksum, CancellationToken ct);
}

/// <summary>A part S3 acknowledged: what CompleteMultipartUpload lists, and what the object's checksum is combined from.</summary>
internal sealed record UploadedPart(int Number, string ETag, ulong Checksum, long Size);
