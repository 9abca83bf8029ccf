using S3ZipExport.Pipeline;
namespace S3ZipExport.Archive;

/// <summary>
/// Write-only in-memory buffer for one compressed chunk, made of pooled 64 KiB segments so it holds at most the
/// compressed size rounded up to 64 KiB (a single growing array would double). <see cref="Seal"/> drops every
/// later write: that is how the deflate tail DeflateStream appends on dispose is cut off a non-final chunk.
/// Dispose returns the segments to the pool.
/// </summary>
internal sealed class PooledSegmentStream(ReusePool<byte[]> segments) : Stream
{
    private const int SegmentBytes = DeflateBuffers.SegmentBytes;

    private readonly List<byte[]> _segments = [];
    private int _lastSegmentUsed = SegmentBytes;
    private long _length;
    private bool _sealed;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_sealed;
    public override long Length => _length;

    /// <summary>Ignore all further writes; the content is final.</summary>
    public void Seal() => _sealed = true;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_sealed) return;
        while (!buffer.IsEmpty)
        {
            if (_lastSegmentUsed == SegmentBytes)
            {
                _segments.Add(segments.Rent());
                _lastSegmentUsed = 0;
            }
            var take = Math.Min(buffer.Length, SegmentBytes - _lastSegmentUsed);
            buffer[..take].CopyTo(_segments[^1].AsSpan(_lastSegmentUsed));
            _lastSegmentUsed += take;
            _length += take;
            buffer = buffer[take..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public async Task WriteToAsync(Stream destination, CancellationToken ct)
    {
        for (var i = 0; i < _segments.Count; i++)
        {
            var used = i == _segments.Count - 1 ? _lastSegmentUsed : SegmentBytes;
            await destination.WriteAsync(_segments[i].AsMemory(0, used), ct);
        }
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var segment in _segments) segments.Return(segment);
        _segments.Clear();
        _sealed = true;
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
