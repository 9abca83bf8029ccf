using System.Buffers.Text;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3ZipExport.Aws;
using S3ZipExport.Contract;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// Where an export of several invocations keeps its state between them: under EXPORT_STATE_PREFIX in the export's
/// bucket, one folder per export, named after a hash of the bucket, key, event and execution, so that every
/// invocation of the export, and the abort, finds it without being told, and a payload cannot point anywhere else.
/// The folder holds <c>state.json</c>; the upload's unfilled part, <c>tail-NNNNN.bin</c>, written before the state
/// that names it (a tail no state names any more is deleted); and one empty <c>upload-ID</c> record per multipart
/// upload the export created, written before any part goes to it, so that an upload an invocation created and then
/// was killed before it saved its state is still found and aborted: by the next invocation, or by the abort. (The
/// alternative, ListMultipartUploads filtered by start time, would also abort another execution's upload of the
/// same key.) Completing or aborting the export deletes the folder; the bucket's lifecycle rule expires what is left.
/// </summary>
internal sealed class StateStore(IAmazonS3 s3, string bucket, string prefix, string exportId)
{
    public static string ExportIdOf(string bucket, string key, string eventId, string execution) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{bucket}\n{key}\n{eventId}\n{execution}")))[..32];

    private string Folder => $"{prefix}{exportId}/";

    private const string UploadRecord = "upload-";

    public string StateKey => $"{Folder}state.json";

    /// <summary>Where the state is, as a continuation names it.</summary>
    public string Location => $"s3://{bucket}/{StateKey}";

    public string TailKeyFor(int invocation) => $"{Folder}tail-{invocation:D5}.bin";

    /// <summary>Records a multipart upload the export created (its id base64url-encoded in the key: ids may hold any character).</summary>
    public Task RecordUploadAsync(string uploadId, CancellationToken ct) =>
        PutAsync(UploadRecordKey(uploadId), ReadOnlyMemory<byte>.Empty, "application/octet-stream", ct);

    private string UploadRecordKey(string uploadId) => Folder + UploadRecord + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(uploadId));

    /// <summary>Every multipart upload the export recorded, completed, aborted or still open.</summary>
    public async Task<IReadOnlyList<string>> RecordedUploadsAsync(CancellationToken ct) =>
        (await ListAsync(Folder + UploadRecord, ct))
            .Select(key => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(key.AsSpan((Folder + UploadRecord).Length))))
            .ToList();

    /// <summary>Forgets an upload the export recorded (once it is aborted).</summary>
    public Task ForgetUploadAsync(string uploadId, CancellationToken ct) => DeleteAsync(UploadRecordKey(uploadId), ct);

    /// <summary>The saved state, or null when there is none (the export has not been cut yet, or is cleaned up).</summary>
    public async Task<ExportState?> LoadAsync(CancellationToken ct)
    {
        var bytes = await GetAsync(StateKey, ct);
        if (bytes is null) return null;
        try
        {
            return JsonSerializer.Deserialize(bytes, ExportStateJson.Default.ExportState)
                   ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new ExportFailedException($"The state of this export at {Location} is not readable ({e.Message}); abort the export and run it again.", e);
        }
    }

    /// <summary>The unfilled part the state names, checked against its length.</summary>
    public async Task<byte[]> LoadTailAsync(ExportState state, CancellationToken ct)
    {
        if (state.TailKey is null) return [];
        var tail = await GetAsync(state.TailKey, ct)
                   ?? throw new ExportFailedException($"The state of this export names s3://{bucket}/{state.TailKey}, which is gone; abort the export and run it again.");
        if (tail.Length != state.Upload.TailLength)
            throw new ExportFailedException($"s3://{bucket}/{state.TailKey} holds {tail.Length} bytes; the state says {state.Upload.TailLength}.");
        return tail;
    }

    /// <summary>Saves the tail, then the state that names it; then deletes the tail the previous state named.</summary>
    public async Task SaveAsync(ExportState state, ReadOnlyMemory<byte> tail, string? previousTailKey, CancellationToken ct)
    {
        if (state.TailKey is { } tailKey) await PutAsync(tailKey, tail, "application/octet-stream", ct);
        await PutAsync(StateKey, JsonSerializer.SerializeToUtf8Bytes(state, ExportStateJson.Default.ExportState), "application/json", ct);
        if (previousTailKey is not null && previousTailKey != state.TailKey) await DeleteAsync(previousTailKey, ct);
    }

    /// <summary>Deletes the export's folder: state, tails and upload records; returns how many objects there were.</summary>
    public async Task<int> DeleteAllAsync(CancellationToken ct)
    {
        var keys = await ListAsync(Folder, ct);
        foreach (var key in keys) await DeleteAsync(key, ct);
        return keys.Count;
    }

    private async Task<IReadOnlyList<string>> ListAsync(string keyPrefix, CancellationToken ct)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = keyPrefix };
        do
        {
            ListObjectsV2Response response;
            try
            {
                response = await s3.ListObjectsV2Async(request, ct);
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
            {
                throw Failure("ListObjectsV2", keyPrefix + "*", request, e, "s3:ListBucket");
            }
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);
        return keys;
    }

    private async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = key };
        try
        {
            using var response = await s3.GetObjectAsync(request, ct);
            // The tail is up to a part (8 MiB or more): read into one array of its size, not a growing copy.
            if (response.ContentLength is >= 0 and <= int.MaxValue)
            {
                var exact = new byte[response.ContentLength];
                await response.ResponseStream.ReadExactlyAsync(exact, ct);
                return exact;
            }
            using var bytes = new MemoryStream();
            await response.ResponseStream.CopyToAsync(bytes, ct);
            return bytes.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            throw Failure("GetObject", key, request, e, "s3:GetObject");
        }
    }

    private async Task PutAsync(string key, ReadOnlyMemory<byte> body, string contentType, CancellationToken ct)
    {
        using var stream = MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
        var checksum = FullObjectChecksum.Crc64Nvme;
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = stream,
            ContentType = contentType,
            UseChunkEncoding = false,
            ChecksumAlgorithm = checksum.ToSdk(),
            ChecksumCRC64NVME = checksum.ToS3(checksum.Hash(body.Span)),
        };
        try
        {
            await s3.PutObjectAsync(request, ct);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            throw Failure("PutObject", key, request, e, "s3:PutObject");
        }
    }

    /// <summary>Deletes one object (S3 answers the same whether it was there or not).</summary>
    private async Task DeleteAsync(string key, CancellationToken ct)
    {
        var request = new DeleteObjectRequest { BucketName = bucket, Key = key };
        try
        {
            await s3.DeleteObjectAsync(request, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Some S3-compatible servers answer 404 for a key that is not there: it is gone either way.
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            throw Failure("DeleteObject", key, request, e, "s3:DeleteObject");
        }
    }

    private AwsRequestException Failure(string operation, string key, AmazonWebServiceRequest request, Exception e, string action) =>
        AwsRequestException.Of($"S3 {operation} of the export's state s3://{bucket}/{key}", request, e,
            AwsRequestException.IsAccessDenied(e) ? $"The function's role needs {action} under {SettingNames.StatePrefix} (s3://{bucket}/{prefix}*)" : null);
}
