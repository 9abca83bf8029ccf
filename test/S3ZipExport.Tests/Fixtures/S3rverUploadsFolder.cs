namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// s3rver 3.7.1's on-disk record of multipart uploads that are neither completed nor aborted
/// (node_modules/s3rver/lib/stores/filesystem.js, initiateUpload/putPart/putObjectMultipart):
/// <code>
/// {data}/{bucket}/._S3rver_uploads/{uploadId}/key          the object key, UTF-8, no newline
///                                             /metadata     JSON of every request header of CreateMultipartUpload
///                                             /{n}          body of part n exactly as received (decimal, no padding)
///                                             /{n}.md5      lower-case hex MD5 of that body: the part's ETag unquoted
/// </code>
/// The upload id is 32 lower-case hex characters. Complete concatenates the listed parts and removes the folder;
/// s3rver itself has no Abort and no ListMultipartUploads, so the proxy implements both on this folder.
/// </summary>
public sealed class S3rverUploadsFolder(string dataDirectory)
{
    private const string UploadsFolderName = "._S3rver_uploads";

    public bool BucketExists(string bucket) => Directory.Exists(Path.Combine(dataDirectory, bucket));

    public string UploadsPath(string bucket) => Path.Combine(dataDirectory, bucket, UploadsFolderName);

    /// <summary>The upload, if s3rver knows it (its folder holds a key file) and it belongs to <paramref name="key"/> when given.</summary>
    public PendingUpload? Find(string bucket, string uploadId, string? key = null)
    {
        // The id comes from a URL: refuse anything that could leave the uploads folder.
        if (uploadId.Length == 0 || !uploadId.All(char.IsAsciiLetterOrDigit)) return null;
        var upload = Read(Path.Combine(UploadsPath(bucket), uploadId), bucket);
        return upload is null || (key is not null && upload.Key != key) ? null : upload;
    }

    /// <summary>Every upload of the bucket s3rver would still complete, ordered like S3 lists them: by key, then initiation time.</summary>
    public IReadOnlyList<PendingUpload> List(string bucket)
    {
        var path = UploadsPath(bucket);
        if (!Directory.Exists(path)) return [];
        return Directory.EnumerateDirectories(path)
            .Select(dir => Read(dir, bucket))
            .OfType<PendingUpload>()
            .OrderBy(u => u.Key, StringComparer.Ordinal)
            .ThenBy(u => u.Initiated)
            .ToList();
    }

    /// <summary>Removes the upload's folder and everything in it; what S3's AbortMultipartUpload does to the parts.</summary>
    public void Delete(PendingUpload upload)
    {
        try { Directory.Delete(upload.Directory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>Removes every in-progress upload of every bucket.</summary>
    public void DeleteAll()
    {
        if (!Directory.Exists(dataDirectory)) return;
        foreach (var bucketDir in Directory.EnumerateDirectories(dataDirectory))
        {
            var uploads = Path.Combine(bucketDir, UploadsFolderName);
            if (Directory.Exists(uploads)) Directory.Delete(uploads, recursive: true);
        }
    }

    private static PendingUpload? Read(string directory, string bucket)
    {
        var keyFile = Path.Combine(directory, "key");
        // An UploadPart racing an abort makes s3rver recreate the folder (mkdirp) without a key file: not an upload.
        if (!File.Exists(keyFile)) return null;
        try
        {
            return new PendingUpload(bucket, Path.GetFileName(directory), File.ReadAllText(keyFile),
                new DateTimeOffset(File.GetLastWriteTimeUtc(keyFile)), directory);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }
}

/// <summary>One multipart upload as s3rver holds it on disk.</summary>
public sealed record PendingUpload(string Bucket, string UploadId, string Key, DateTimeOffset Initiated, string Directory)
{
    /// <summary>Size and ETag (unquoted hex MD5) of part <paramref name="partNumber"/>, or null if s3rver has not stored it.</summary>
    public (long Size, string ETag)? Part(int partNumber)
    {
        var body = Path.Combine(Directory, partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            // s3rver writes the .md5 file after the body is complete, so its presence means the part is whole.
            var etag = File.ReadAllText(body + ".md5").Trim();
            return (new FileInfo(body).Length, etag);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }
}
