using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace S3ZipExport.Archive;

/// <summary>
/// Writes one gzip member (RFC 1952) to a forward-only stream: the 10-byte header with the file name, the same
/// deflate stream the ZIP entries get (parallel chunks joined by sync flushes, see <see cref="ParallelDeflater"/>),
/// then CRC-32 and length. One member, so every gzip reader (gzip -t, Python, Athena, .NET GZipStream) reads it
/// as one file. Written by hand rather than with GZipStream because GZipStream compresses on one thread only.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001",
    Justification = "CountingWriteStream holds nothing to release and must not close the output, which the caller owns.")]
internal sealed class GzipStreamWriter(Stream output, CompressionLevel level, int threads, int chunkBytes = DeflateBuffers.DefaultChunkBytes) : IArchiveWriter
{
    private readonly CountingWriteStream _output = new(output);
    private readonly EntryDeflater _deflater = new(level, threads, chunkBytes);
    private bool _written;

    public long BytesWritten => _output.BytesWritten;

    public async Task WriteEntryAsync(string name, DateTimeOffset modified, Stream source, CancellationToken ct)
    {
        if (_written) throw new InvalidOperationException("A gzip file holds one file; splitting the CSV into several files needs a ZIP.");
        _written = true;
        await _output.WriteAsync(Header(name, modified, level), ct);
        var input = new EntryInput(source, _ => { });
        await _deflater.DeflateAsync(input, _output, ct);
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, input.Crc32);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)input.Length)); // ISIZE is the length mod 2^32
        await _output.WriteAsync(trailer, ct);
    }

    public Task FinishAsync(CancellationToken ct) => _output.FlushAsync(ct);

    private static byte[] Header(string name, DateTimeOffset modified, CompressionLevel level)
    {
        // FNAME is ISO 8859-1 by the RFC: a name outside it is left out rather than written wrongly.
        var latin1 = name.All(c => c is >= ' ' and <= '\u00FF') ? Encoding.Latin1.GetBytes(name) : null;
        var header = new byte[10 + (latin1 is null ? 0 : latin1.Length + 1)];
        header[0] = 0x1F;
        header[1] = 0x8B;
        header[2] = 8;                                   // deflate
        header[3] = (byte)(latin1 is null ? 0 : 0x08);   // FNAME
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)Math.Clamp(modified.ToUnixTimeSeconds(), 0, uint.MaxValue));
        header[8] = level switch { CompressionLevel.SmallestSize => 2, CompressionLevel.Fastest => 4, _ => 0 }; // XFL
        header[9] = 3;                                   // OS: Unix (Lambda runs on Linux)
        latin1?.CopyTo(header, 10);
        return header;
    }
}
