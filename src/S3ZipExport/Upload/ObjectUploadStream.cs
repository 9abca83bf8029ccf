using System.Collections.Concurrent;
using S3ZipExport.Contract;
using S3ZipExport.Pipeline;

namespace S3ZipExport.Upload;

/// <summary>
/// A write-only stream that uploads what is written as one S3 object. Written bytes fill a part buffer; a full buffer
/// is uploaded in the background while the writer fills the next. At most <c>concurrency</c> parts are in flight;
/// when all are, the writer waits (backpressure), so memory is (concurrency + 1) part buffers (Export/MemoryBudget).
/// The multipart upload is created lazily, when the first part is full, as @aws-sdk/lib-storage does: an export that
/// fits in one part goes out as a single PutObject with the same checksum and condition, and a small export that
/// fails has nothing to abort. The object becomes visible only at <see cref="CompleteAsync"/>; <see cref="AbortAsync"/>
/// leaves nothing behind. Every part carries its checksum; the whole object's is combined from the parts' and given
/// to Complete as a FULL_OBJECT checksum, which S3 checks and stores (<see cref="FullObjectChecksum"/>).
/// </summary>
internal sealed class ObjectUploadStream : Stream
{
    private const int AbortAttempts = 3;

    private readonly IUploadClient _client;
    private readonly PartSizeSchedule _parts;
    private readonly FullObjectChecksum _checksum;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop;
    private readonly ConcurrentBag<byte[]> _freeBuffers = [];
    private readonly ConcurrentDictionary<int, UploadedPart> _done = new();
    private readonly List<Task> _inFlight = [];
    private readonly FirstFailure _failure = new();
    private byte[] _current;
    private int _filled;
    private int _partNumber = 1;
    private string? _uploadId;   // null until the first part is full
    private bool _finished;

    /// <param name="resume">Where an earlier invocation's cut left the upload; <paramref name="tail"/> is its unfilled part.</param>
    public ObjectUploadStream(IUploadClient client, UploadOptions options, CancellationToken ct, UploadState? resume = null, ReadOnlyMemory<byte> tail = default)
    {
        _client = client;
        _parts = options.Parts;
        _checksum = options.Checksum;
        _slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (resume is not null)
        {
            if (tail.Length != resume.TailLength) throw new ArgumentException($"The tail is {tail.Length} bytes; the state says {resume.TailLength}.", nameof(tail));
            _uploadId = resume.UploadId;
            _partNumber = resume.NextPart;
            BytesWritten = resume.BytesWritten;
            foreach (var part in resume.Parts) _done[part.Number] = part;
        }
        // A tail longer than this invocation's part size (the memory, and so the largest part, shrank) makes a longer part.
        _current = NewBuffer(Math.Max(_parts.SizeOf(Math.Min(_partNumber, PartSizeSchedule.MaxParts)), tail.Length));
        tail.CopyTo(_current);
        _filled = tail.Length;
    }

    public long BytesWritten { get; private set; }

    /// <summary>Parts S3 acknowledged; 1 for an object sent as a single PutObject.</summary>
    public int PartsCompleted => _done.Count;

    /// <summary>The whole object's checksum, as S3 reports it (base64); set by <see cref="CompleteAsync"/>.</summary>
    public string? ObjectChecksum { get; private set; }

    /// <summary>Whether the multipart upload exists (created when the first part was full).</summary>
    public bool IsStarted => _uploadId is not null;

    /// <summary>Part buffers allocated so far: at most concurrency + 1 of the largest part size reached.</summary>
    public int PartBuffersAllocated { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!buffer.IsEmpty)
        {
            _failure.ThrowIfAny();
            var n = Math.Min(buffer.Length, _current.Length - _filled);
            buffer.Span[..n].CopyTo(_current.AsSpan(_filled));
            _filled += n;
            BytesWritten += n;
            buffer = buffer[n..];
            if (_filled == _current.Length) await SubmitCurrentPartAsync(ct);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    /// <summary>Uploads what is left, waits for every part, and completes the object; returns its ETag.</summary>
    public async Task<string> CompleteAsync(CancellationToken ct)
    {
        _failure.ThrowIfAny();
        if (_uploadId is null)
        {
            // Everything fits in one part: one PutObject, nothing to create or complete.
            var body = _current.AsMemory(0, _filled);
            var checksum = _checksum.Hash(body.Span);
            var putETag = await _client.PutAsync(body, checksum, ct);
            _finished = true;
            _done[1] = new UploadedPart(1, putETag, checksum, _filled);
            ObjectChecksum = _checksum.ToS3(checksum);
            return putETag;
        }
        if (_filled > 0) await SubmitCurrentPartAsync(ct);
        try
        {
            await Task.WhenAll(_inFlight);
        }
        catch when (_failure.HasFailed)
        {
            _failure.ThrowIfAny();
        }
        _finished = true;
        var parts = _done.Values.OrderBy(p => p.Number).ToList();
        var objectChecksum = parts[0].Checksum;
        foreach (var part in parts.Skip(1)) objectChecksum = _checksum.Combine(objectChecksum, part.Checksum, part.Size);
        var etag = await _client.CompleteAsync(_uploadId, parts, objectChecksum, BytesWritten, ct);
        ObjectChecksum = _checksum.ToS3(objectChecksum);
        return etag;
    }

    /// <summary>
    /// Ends this invocation's share of the upload at a cut: waits until every full part is acknowledged, and returns
    /// where the upload stands with the bytes that did not fill a part, without uploading them: the next invocation
    /// starts its first part with them. Nothing is aborted; the object is not visible yet.
    /// </summary>
    public async Task<(UploadState State, ReadOnlyMemory<byte> Tail)> SuspendAsync()
    {
        _failure.ThrowIfAny();
        try
        {
            await Task.WhenAll(_inFlight);
        }
        catch when (_failure.HasFailed)
        {
            _failure.ThrowIfAny();
        }
        _finished = true;
        var state = new UploadState
        {
            UploadId = _uploadId,
            NextPart = _partNumber,
            BytesWritten = BytesWritten,
            Parts = _done.Values.OrderBy(p => p.Number).ToList(),
            TailLength = _filled,
        };
        return (state, _current.AsMemory(0, _filled));
    }

    /// <summary>Stops the parts in flight, and leaves the upload as it is (for a later invocation, or the export's abort). Never throws.</summary>
    public async Task StopAsync()
    {
        _finished = true;
        await _stop.CancelAsync();
        try { await Task.WhenAll(_inFlight); } catch { /* their errors are the reason we stop, or its consequence */ }
    }

    /// <summary>
    /// Stops the parts in flight and aborts the upload, if one was created, so no incomplete upload (and its storage
    /// cost) is left. Never throws: the caller is already handling the error that matters.
    /// </summary>
    public async Task AbortAsync()
    {
        await StopAsync();
        if (_uploadId is not { } uploadId) return;
        for (var attempt = 1; attempt <= AbortAttempts; attempt++)
        {
            try
            {
                await _client.AbortAsync(uploadId, CancellationToken.None);
                return;
            }
            catch when (attempt < AbortAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch
            {
                // The bucket's lifecycle rule (AbortIncompleteMultipartUpload) is the last line of defence.
            }
        }
    }

    private async Task SubmitCurrentPartAsync(CancellationToken ct)
    {
        if (_partNumber > PartSizeSchedule.MaxParts)
            throw new InvalidOperationException($"The export needs more than {PartSizeSchedule.MaxParts:N0} parts ({_parts.Capacity / (1024.0 * 1024 * 1024):N0} GiB); raise {SettingNames.PartSizeMiB}.");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        _uploadId ??= await _client.CreateAsync(linked.Token);
        try
        {
            await _slots.WaitAsync(linked.Token);   // waits while `concurrency` parts are in flight
        }
        catch (OperationCanceledException) when (_failure.HasFailed)
        {
            _failure.ThrowIfAny();   // a failed part stopped us: that failure is the error, not the cancellation
        }
        var buffer = _current;
        var length = _filled;
        var number = _partNumber++;
        _inFlight.Add(UploadPartAsync(_uploadId, buffer, length, number));
        _inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
        if (_partNumber <= PartSizeSchedule.MaxParts)
            _current = TakeBuffer(_parts.SizeOf(_partNumber));
        _filled = 0;
    }

    private async Task UploadPartAsync(string uploadId, byte[] buffer, int length, int partNumber)
    {
        try
        {
            var body = buffer.AsMemory(0, length);
            _done[partNumber] = await _client.UploadPartAsync(uploadId, partNumber, body, _checksum.Hash(body.Span), _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw; // stopped from outside (another stage failed, or the deadline): not this part's failure
        }
        catch (Exception e)
        {
            _failure.Record(e);
            await _stop.CancelAsync();
            throw;
        }
        finally
        {
            _freeBuffers.Add(buffer);
            _slots.Release();
        }
    }

    private byte[] TakeBuffer(long size)
    {
        while (_freeBuffers.TryTake(out var buffer))
            if (buffer.Length == size) return buffer;   // smaller ones from before a size step are dropped
        return NewBuffer(size);
    }

    private byte[] NewBuffer(long size)
    {
        PartBuffersAllocated++;
        return GC.AllocateUninitializedArray<byte>(checked((int)size));
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("ObjectUploadStream is written asynchronously only (WriteAsync).");
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
