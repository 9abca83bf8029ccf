namespace S3ZipExport.Archive;

/// <summary>
/// Forwards writes until <see cref="Seal"/>, then drops them: how the final block DeflateStream appends on dispose is
/// kept out of a deflate stream that a cut leaves open (it ends with a sync flush instead, and the next invocation
/// appends to it).
/// </summary>
internal sealed class SealableWriteStream(Stream inner) : Stream
{
    private bool _sealed;

    public void Seal() => _sealed = true;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _sealed ? ValueTask.CompletedTask : inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (!_sealed) inner.Write(buffer, offset, count);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _sealed ? Task.CompletedTask : inner.FlushAsync(cancellationToken);
    public override void Flush() { }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
