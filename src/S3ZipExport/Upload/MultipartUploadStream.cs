using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3ZipExport.Upload;

/// <summary>
/// A write-only stream that uploads what is written as an S3 multipart upload. Written bytes fill a part buffer;
/// a full buffer is uploaded in the background while the writer fills the next. At most <c>concurrency</c> parts
/// are in flight; when all are, the writer waits (backpressure), so memory is (concurrency + 1) part buffers.
/// The object becomes visible only at <see cref="CompleteAsync"/>; <see cref="AbortAsync"/> leaves nothing behind.
/// Low-level API rather than TransferUtility: its non-seekable path uploads one part at a time with a fixed part size.
/// <para>Integrity: every part carries its CRC-32, computed here from the buffer in memory, which S3 verifies on
/// arrival; the whole object's CRC-32 is computed as bytes are written and given to Complete as a FULL_OBJECT
/// checksum, which S3 checks against the parts' and stores with the object. Checksums are set explicitly rather
/// than left to SDK defaults (CRC32C and CRC64NVME need the native CRT, which a plain dotnet10 Lambda lacks).
/// A failed part is retried by the SDK (see S3ClientFactory) from the same in-memory buffer.</para>
/// </summary>
internal sealed class MultipartUploadStream : Stream
{
    private readonly IAmazonS3 _s3;
    private readonly UploadOptions _target;
    private readonly string _uploadId;
    private readonly PartSizeSchedule _parts;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop;
    private readonly ConcurrentBag<byte[]> _freeBuffers = [];
    private readonly ConcurrentDictionary<int, PartETag> _done = new();
    private readonly List<Task> _inFlight = [];
    private readonly Crc32 _objectCrc = new();
    private byte[] _current;
    private int _filled;
    private int _partNumber = 1;
    private Exception? _failure;
    private int _failedPart;
    private bool _finished;

    private MultipartUploadStream(IAmazonS3 s3, UploadOptions target, string uploadId, CancellationToken ct)
    {
        _s3 = s3;
        _target = target;
        _uploadId = uploadId;
        _parts = target.Parts;
        _slots = new SemaphoreSlim(target.Concurrency, target.Concurrency);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _current = NewBuffer(_parts.SizeOf(1));
    }

    public static async Task<MultipartUploadStream> StartAsync(IAmazonS3 s3, UploadOptions target, CancellationToken ct)
    {
        var response = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = target.Bucket,
            Key = target.Key,
            ContentType = target.ContentType,
            Headers = { ContentDisposition = target.ContentDisposition },
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
            ChecksumType = ChecksumType.FULL_OBJECT,
            ServerSideEncryptionMethod = target.ServerSideEncryption is { } sse ? ServerSideEncryptionMethod.FindValue(sse) : null,
            ServerSideEncryptionKeyManagementServiceKeyId = target.SseKmsKeyId,
        }, ct);
        return new MultipartUploadStream(s3, target, response.UploadId, ct);
    }

    public string UploadId => _uploadId;
    public long BytesWritten { get; private set; }
    public int PartsCompleted => _done.Count;
    /// <summary>CRC-32 of every byte written, big-endian base64 as S3 writes checksums; final after <see cref="CompleteAsync"/>.</summary>
    public string ObjectCrc32 => ToS3Checksum(_objectCrc.GetCurrentHashAsUInt32());

    /// <summary>Part buffers allocated so far: at most concurrency + 1 of the largest part size reached.</summary>
    public int BuffersAllocated { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!buffer.IsEmpty)
        {
            ThrowIfFailed();
            var n = Math.Min(buffer.Length, _current.Length - _filled);
            buffer.Span[..n].CopyTo(_current.AsSpan(_filled));
            _objectCrc.Append(buffer.Span[..n]);
            _filled += n;
            BytesWritten += n;
            buffer = buffer[n..];
            if (_filled == _current.Length) await SubmitCurrentPartAsync(ct);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    /// <summary>Uploads the last part, waits for every part, and completes the upload; returns the object's ETag.</summary>
    public async Task<string> CompleteAsync(CancellationToken ct)
    {
        ThrowIfFailed();
        if (_filled > 0 || _partNumber == 1) await SubmitCurrentPartAsync(ct);
        try
        {
            await Task.WhenAll(_inFlight);
        }
        catch when (_failure is not null)
        {
            ThrowIfFailed();
        }
        _finished = true;
        var parts = _done.Values.OrderBy(p => p.PartNumber).ToList();
        var response = await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = _target.Bucket,
            Key = _target.Key,
            UploadId = _uploadId,
            PartETags = parts,
            ChecksumType = ChecksumType.FULL_OBJECT,
            ChecksumCRC32 = ObjectCrc32,
            IfNoneMatch = _target.OnlyIfAbsent ? "*" : null,
        }, ct);
        return response.ETag;
    }

    /// <summary>
    /// Stops the parts in flight and aborts the upload so no incomplete upload (and its storage cost) is left.
    /// Never throws: the caller is already handling the error that matters.
    /// </summary>
    public async Task AbortAsync()
    {
        _finished = true;
        await _stop.CancelAsync();
        try { await Task.WhenAll(_inFlight); } catch { /* their errors are the reason we abort, or its consequence */ }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = _target.Bucket, Key = _target.Key, UploadId = _uploadId,
                }, CancellationToken.None);
                return;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return; // already gone
            }
            catch when (attempt < 3)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch
            {
                return; // the bucket's lifecycle rule (AbortIncompleteMultipartUpload) is the last line of defence
            }
        }
    }

    private async Task SubmitCurrentPartAsync(CancellationToken ct)
    {
        if (_partNumber > PartSizeSchedule.MaxParts)
            throw new InvalidOperationException($"The export needs more than {PartSizeSchedule.MaxParts} parts; raise EXPORT_PART_SIZE_MIB.");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        try
        {
            await _slots.WaitAsync(linked.Token);   // waits while `concurrency` parts are in flight
        }
        catch (OperationCanceledException) when (_failure is not null)
        {
            ThrowIfFailed();   // a failed part stopped us: that failure is the error, not the cancellation
        }
        var buffer = _current;
        var length = _filled;
        var number = _partNumber++;
        _inFlight.Add(UploadPartAsync(buffer, length, number));
        _inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
        if (_partNumber <= PartSizeSchedule.MaxParts)
            _current = TakeBuffer(_parts.SizeOf(_partNumber));
        _filled = 0;
    }

    private async Task UploadPartAsync(byte[] buffer, int length, int partNumber)
    {
        try
        {
            using var body = new MemoryStream(buffer, 0, length, writable: false);
            var crc = ToS3Checksum(Crc32.HashToUInt32(buffer.AsSpan(0, length)));
            var response = await _s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _target.Bucket,
                Key = _target.Key,
                UploadId = _uploadId,
                PartNumber = partNumber,
                PartSize = length,
                InputStream = body,
                // Plain-HTTP endpoints otherwise get aws-chunked framing, which some S3-compatible servers store as data.
                UseChunkEncoding = false,
                ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
                ChecksumCRC32 = crc,
            }, _stop.Token);
            _done[partNumber] = new PartETag(partNumber, response.ETag) { ChecksumCRC32 = crc };
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw; // stopped from outside (another stage failed, or the deadline): not this part's failure
        }
        catch (Exception e)
        {
            if (Interlocked.CompareExchange(ref _failure, e, null) is null) _failedPart = partNumber;
            await _stop.CancelAsync();
            throw;
        }
        finally
        {
            _freeBuffers.Add(buffer);
            _slots.Release();
        }
    }

    private static string ToS3Checksum(uint crc)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, crc);
        return Convert.ToBase64String(bytes);
    }

    private byte[] TakeBuffer(long size)
    {
        while (_freeBuffers.TryTake(out var buffer))
            if (buffer.Length == size) return buffer;   // smaller ones from before a size step are dropped
        return NewBuffer(size);
    }

    private byte[] NewBuffer(long size)
    {
        BuffersAllocated++;
        return GC.AllocateUninitializedArray<byte>(checked((int)size));
    }

    private void ThrowIfFailed()
    {
        if (_failure is not { } failure) return;
        var status = failure is AmazonS3Exception s3 ? $"{s3.ErrorCode} (HTTP {(int)s3.StatusCode}): " : "";
        throw new IOException(
            $"Uploading part {_failedPart} of s3://{_target.Bucket}/{_target.Key} failed after {1 + Aws.AwsClients.S3Retries} attempts: {status}{failure.Message}", failure);
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("MultipartUploadStream is written asynchronously only (WriteAsync).");
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_finished;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
