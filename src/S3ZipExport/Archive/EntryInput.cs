using System.IO.Hashing;
using S3ZipExport.Pipeline;

namespace S3ZipExport.Archive;

/// <summary>
/// Reads an entry's source in whole chunks and keeps what the data descriptor needs: the CRC-32 over every byte
/// read (APPNOTE 4.4.7) and the uncompressed length. Reading happens on one task only, in order, so the CRC is
/// sequential while compression runs elsewhere.
/// </summary>
internal sealed class EntryInput(Stream source, Action<int> onConsumed)
{
    private readonly Crc32 _crc = new();

    public long Length { get; private set; }
    public uint Crc32 => _crc.GetCurrentHashAsUInt32();

    /// <summary>
    /// Fills <paramref name="buffer"/> unless the source ends first; a result shorter than the buffer therefore
    /// means the source is exhausted, which lets the deflaters mark that chunk final without reading ahead.
    /// </summary>
    public async ValueTask<int> ReadChunkAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var read = await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        _crc.Append(buffer.Span[..read]);
        Length += read;
        onConsumed(read);
        return read;
    }

    /// <summary>
    /// Reads the next chunk into a buffer taken from <paramref name="chunks"/>; the caller gives it back. Null at the
    /// end of the source (nothing is taken then). A chunk shorter than the buffer is the last.
    /// </summary>
    public async ValueTask<(byte[] Buffer, int Count)?> ReadPooledChunkAsync(ReusePool<byte[]> chunks, CancellationToken ct)
    {
        var buffer = chunks.Rent();
        int read;
        try
        {
            read = await ReadChunkAsync(buffer, ct);
        }
        catch
        {
            chunks.Return(buffer);
            throw;
        }
        if (read > 0) return (buffer, read);
        chunks.Return(buffer);
        return null;
    }
}
