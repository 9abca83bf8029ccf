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
internal sealed class GzipStreamWriter(Stream output, CompressionLevel level, int threads, int chunkBytes = DeflateBuffers.DefaultChunkBytes,
    ArchiveState? resume = null) : IArchiveWriter
{
    private readonly CountingWriteStream _output = new(output, resume?.BytesWritten ?? 0);
    private readonly EntryDeflater _deflater = new(level, threads, chunkBytes);
    private OpenEntry? _open = resume?.Open;   // the member a cut left open
    private bool _written = resume is not null;

    public long BytesWritten => _output.BytesWritten;

    public async Task WriteEntryAsync(string name, DateTimeOffset modified, Stream source, bool continuesOpenEntry, Func<bool> endsAtCut, CancellationToken ct)
    {
        if (continuesOpenEntry != (_open is not null))
            throw new InvalidOperationException(continuesOpenEntry ? "No gzip member was left open to continue." : "The gzip member was left open and must be continued.");
        var member = _open;
        if (member is null)
        {
            if (_written) throw new InvalidOperationException("A gzip file holds one file; splitting the CSV into several files needs a ZIP.");
            _written = true;
            await _output.WriteAsync(Header(name, modified, level), ct);
            member = new OpenEntry(name, 0, 0, 0, _output.BytesWritten, 0, 0);
        }
        var input = new EntryInput(source, _ => { });
        await _deflater.DeflateAsync(input, _output, ct, endsAtCut);
        member = member with
        {
            Crc32 = (uint)Hashing.CrcCombination.Crc32.Combine(member.Crc32, input.Crc32, input.Length),
            UncompressedSize = member.UncompressedSize + input.Length,
        };
        if (endsAtCut())
        {
            _open = member;
            return;
        }
        _open = null;
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, member.Crc32);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)member.UncompressedSize)); // ISIZE is the length mod 2^32
        await _output.WriteAsync(trailer, ct);
    }

    public Task FinishAsync(CancellationToken ct) =>
        _open is null ? _output.FlushAsync(ct) : throw new InvalidOperationException("The gzip member is still open.");

    public ArchiveState Suspend() => new() { BytesWritten = _output.BytesWritten, Open = _open };
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
