using System.IO.Pipelines;
using S3ZipExport.Csv;
using S3ZipExport.LocalServices;
using S3ZipExport.Records;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// CSV exactly as an export makes it (demo Connpass events through JsonRecordReader and CsvRowWriter, with the
/// export benchmark's columns), generated once in memory and then repeated to any length. A block of 48 MB is far
/// larger than deflate's 32 KiB window, so repetition does not make it more compressible.
/// </summary>
internal static class CsvCorpus
{
    public static async Task<byte[]> BuildAsync(long jsonBytes, CancellationToken ct)
    {
        var json = new MemoryStream();
        await ConnpassDemoData.WriteAsync(json, jsonBytes, ct);
        json.Position = 0;

        var errors = new List<string>();
        var columns = S3ZipExport.Settings.ColumnListParser.Parse(ExportBenchmark.Columns, errors);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var csv = new CsvRowWriter(pipe.Writer, columns);
        await new JsonRecordReader(json, ["events"], "application/json", new RecordExtraction(new RecordOptions { Columns = columns })).ReadAsync(csv, ct);
        await pipe.Writer.CompleteAsync();
        var output = new MemoryStream();
        await pipe.Reader.CopyToAsync(output, ct);
        return output.ToArray();
    }

    /// <summary>A read-only stream of <paramref name="length"/> bytes: <paramref name="block"/> over and over.</summary>
    public sealed class Repeating(byte[] block, long length) : Stream
    {
        private long _position;

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            var written = 0;
            while (written < n)
            {
                var offset = (int)((_position + written) % block.Length);
                var take = Math.Min(n - written, block.Length - offset);
                block.AsSpan(offset, take).CopyTo(buffer[written..]);
                written += take;
            }
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => new(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Read(buffer.AsSpan(offset, count)));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
