namespace S3ZipExport.Records;

/// <summary>
/// What a record reader has read of a source body and not yet consumed, in one buffer refilled from the body: the
/// JSON document reader and the JSON Lines reader both parse from it. Memory: one buffer of
/// <see cref="InitialBytes"/>, grown only while a single record does not fit, up to <see cref="MaxBytes"/>.
/// </summary>
internal sealed class ReadWindow(Stream body, int maxBytes = ReadWindow.DefaultMaxRecordBytes)
{
    public const int InitialBytes = 256 * 1024;
    /// <summary>The largest record a reader holds when memory allows it (Export/MemoryBudget sets the real cap).</summary>
    public const int DefaultMaxRecordBytes = 64 * 1024 * 1024;

    /// <summary>The most this window grows to: the largest record (or line) it can hold whole.</summary>
    public int MaxBytes => maxBytes;

    private byte[] _buffer = new byte[Math.Min(InitialBytes, maxBytes)];
    private int _start, _end;   // the unconsumed bytes are _buffer[_start.._end]

    /// <summary>The bytes read and not yet consumed.</summary>
    public ReadOnlySpan<byte> Unconsumed => _buffer.AsSpan(_start, _end - _start);

    public bool IsEmpty => _start == _end;

    /// <summary>Source offset of the first unconsumed byte.</summary>
    public long Offset { get; private set; }

    /// <summary>The body has ended: what is unconsumed is all there will be.</summary>
    public bool IsFinal { get; private set; }

    public long BytesRead { get; private set; }

    /// <summary>
    /// Starts the window part-way into a document: the body's first byte is at <paramref name="offset"/> of the
    /// document, and <paramref name="prefix"/> (bytes that stand for what came before, e.g. the JSON that leads to
    /// the records array) is read first. Offsets stay the document's; <see cref="BytesRead"/> counts the body only.
    /// </summary>
    public void StartAt(long offset, ReadOnlySpan<byte> prefix)
    {
        if (_end > 0 || BytesRead > 0) throw new InvalidOperationException("The window has already been filled.");
        if (prefix.Length > _buffer.Length) Array.Resize(ref _buffer, prefix.Length * 2);
        prefix.CopyTo(_buffer);
        _end = prefix.Length;
        Offset = offset - prefix.Length;
    }

    public void Consume(int count)
    {
        _start += count;
        Offset += count;
    }

    /// <summary>
    /// Reads more of the body behind the unconsumed bytes, which move to the front first. When they fill the whole
    /// buffer (one record or line not yet complete) the buffer doubles; false if it is already at
    /// <see cref="MaxBytes"/>, for the caller to fail with what that record is.
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
            if (_buffer.Length >= maxBytes) return false;
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, maxBytes));
        }
        var read = await body.ReadAsync(_buffer.AsMemory(_end), ct);
        if (read == 0) IsFinal = true;
        _end += read;
        BytesRead += read;
        return true;
    }
}
