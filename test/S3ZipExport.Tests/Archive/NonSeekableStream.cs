namespace S3ZipExport.Tests.Archive;

/// <summary>
/// Write-only wrapper that behaves like a network or multipart-upload stream: CanSeek is false and Position,
/// Length and Seek throw, so any attempt by the writer to go back fails the test. An optional gate lets a test
/// hold writes to simulate a slow output.
/// </summary>
internal sealed class NonSeekableStream(Stream inner, Func<CancellationToken, Task>? beforeWrite = null) : Stream
{
    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (beforeWrite is not null) await beforeWrite(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
        Written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("The archive writer must write asynchronously.");

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override void Flush() => inner.Flush();

    public override long Length => throw new NotSupportedException("Length of a non-seekable stream");
    public override long Position
    {
        get => throw new NotSupportedException("Position of a non-seekable stream");
        set => throw new NotSupportedException("Position of a non-seekable stream");
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Seek on a non-seekable stream");
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
