namespace S3ZipExport.Tests.Fixtures;

/// <summary>The S3 API call a request is, told from method, path and query alone (path-style addressing).</summary>
public enum S3Operation
{
    Other,
    CreateBucket,
    ListObjects,
    PutObject,
    GetObject,
    HeadObject,
    DeleteObject,
    CreateMultipartUpload,
    UploadPart,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListMultipartUploads,
}
