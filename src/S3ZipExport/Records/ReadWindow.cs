namespace S3ZipExport.Records;

/// <summary>
/// What a record reader has read of a source body and not yet consumed, in one buffer refilled from the body: the
/// JSON document reader and the JSON Lines reader both parse from it. Memory: one buffer of
/// <see cref="InitialBytes"/>, grown only while a single record does not fit, up to <see cref="MaxRecordBytes"/>.
/// </summary>
internal sealed class ReadWindow(Stream body)
{
    public const int InitialBytes = 256 * 1024;
    public const int MaxRecordBytes = 64 * 1024 * 1024;

    private byte[] _buffer = new byte[InitialBytes];
    private int _start, _end;   // the unconsumed bytes are _buffer[_start.._end]

    /// <summary>The bytes read and not yet consumed.</summary>
    public ReadOnlySpan<byte> Unconsumed => _buffer.AsSpan(_start, _end - _start);

    public bool IsEmpty => _start == _end;

    /// <summary>Source offset of the first unconsumed byte.</summary>
    public long Offset { get; private set; }

    /// <summary>The body has ended: what is unconsumed is all there will be.</summary>
    public bool IsFinal { get; private set; }

    public long BytesRead { get; private set; }

    public void Consume(int count)
    {
        _start += count;
        Offset += count;
    }

    /// <summary>
    /// Reads more of the body behind the unconsumed bytes, which move to the front first. When they fill the whole
    /// buffer (one record or line not yet complete) the buffer doubles; false if it is already at
    /// <see cref="MaxRecordBytes"/>, for the caller to fail with what that record is.
    /// </summary>
    public async Task<bool> FillAsync(CancellationToken ct)
    {
        if (IsFinal) return true;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxRecordBytes) return false;
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxRecordBytes));
        }
        var read = await body.ReadAsync(_buffer.AsMemory(_end), ct);
        if (read == 0) IsFinal = true;
        _end += read;
        BytesRead += read;
        return true;
    }
}
