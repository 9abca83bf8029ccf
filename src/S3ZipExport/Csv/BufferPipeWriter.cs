using System.Buffers;
using System.IO.Pipelines;

namespace S3ZipExport.Csv;

/// <summary>
/// A PipeWriter into a growable buffer, for a <see cref="CsvRowWriter"/> that writes rows somewhere other than the
/// pipe to the compressor: the rows a parse thread makes of a batch of records (Export/ParallelCsvSink), copied into
/// the pipe later, in order. Nothing reads it as a pipe: flushing does nothing.
/// </summary>
internal sealed class BufferPipeWriter : PipeWriter
{
    /// <summary>Where the bytes go; the caller swaps it per batch and reads it.</summary>
    public ArrayBufferWriter<byte> Target { get; set; } = new();

    public override void Advance(int bytes) => Target.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => Target.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Target.GetSpan(sizeHint);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => new(new FlushResult());

    public override void CancelPendingFlush() { }

    public override void Complete(Exception? exception = null) { }
}
