namespace S3ZipExport.Upload;

/// <summary>
/// Where an object's upload stands at a cut: the multipart upload (none yet while less than one part was written),
/// the parts S3 acknowledged with their checksums (Complete lists them, and the object's checksum is combined from
/// them), the number the next part gets, and the bytes written so far, of which the last <see cref="TailLength"/>
/// did not fill a part and are kept aside (a small object next to the state) for the next invocation to start with.
/// </summary>
internal sealed record UploadState
{
    public string? UploadId { get; init; }
    public int NextPart { get; init; } = 1;
    public long BytesWritten { get; init; }
    public IReadOnlyList<UploadedPart> Parts { get; init; } = [];
    public int TailLength { get; init; }
}
