using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// The upload client of an export of several invocations: each multipart upload it creates is recorded in the
/// export's state folder (<see cref="StateStore.RecordUploadAsync"/>) before any part goes to it, so an invocation
/// killed before it saved its state leaves an upload that the next invocation, or the abort, can find and abort.
/// </summary>
internal sealed class RecordedUploadClient(IUploadClient inner, StateStore store) : IUploadClient
{
    public async Task<string> CreateAsync(CancellationToken ct)
    {
        var uploadId = await inner.CreateAsync(ct);
        await store.RecordUploadAsync(uploadId, ct);
        return uploadId;
    }

    public Task<UploadedPart> UploadPartAsync(string uploadId, int partNumber, ReadOnlyMemory<byte> body, ulong checksum, CancellationToken ct) =>
        inner.UploadPartAsync(uploadId, partNumber, body, checksum, ct);

    public Task<string> CompleteAsync(string uploadId, IReadOnlyList<UploadedPart> parts, ulong objectChecksum, long objectSize, CancellationToken ct) =>
        inner.CompleteAsync(uploadId, parts, objectChecksum, objectSize, ct);

    public Task AbortAsync(string uploadId, CancellationToken ct) => inner.AbortAsync(uploadId, ct);

    public Task<string> PutAsync(ReadOnlyMemory<byte> body, ulong checksum, CancellationToken ct) => inner.PutAsync(body, checksum, ct);
}
