using System.Diagnostics;
using System.IO.Compression;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The floor the exporter is measured against: the same CSV bytes through one DeflateStream at the same level,
/// on one thread, into Stream.Null. Only the time spent inside DeflateStream.Write (and the final flush) is
/// counted, so however the bytes are produced (inflated from the read-back ZIP, repeated from memory) does not
/// count.
/// </summary>
internal sealed class DeflateFloor : IDisposable
{
    private readonly DeflateStream _deflate;
    private readonly Stopwatch _time = new();

    public DeflateFloor(CompressionLevel level) => _deflate = new DeflateStream(Stream.Null, level, leaveOpen: true);

    public long Bytes { get; private set; }

    public void Write(ReadOnlySpan<byte> block)
    {
        _time.Start();
        _deflate.Write(block);
        _time.Stop();
        Bytes += block.Length;
    }

    /// <summary>Finishes the stream and returns MB/s of input (decimal MB).</summary>
    public double Finish()
    {
        _time.Start();
        _deflate.Dispose();
        _time.Stop();
        return Bytes / 1e6 / _time.Elapsed.TotalSeconds;
    }

    public void Dispose() => _deflate.Dispose();
}
