using System.IO.Compression;
using System.Threading.Channels;
using S3ZipExport.Pipeline;

namespace S3ZipExport.Archive;

/// <summary>
/// Deflates an entry as one continuous DeflateStream (threads = 1): best ratio, since the 32 KiB window spans
/// the whole entry. Reading (and the CRC) runs on the caller's task and compression on its own task, so a slow
/// source and the compressor overlap.
/// </summary>
/// <remarks>
/// Memory: at most 2 input buffers of chunkBytes (one being filled, one being compressed) plus DeflateStream's
/// own 8 KiB output buffer and zlib state. When the output is slow, the compressor waits in WriteAsync, no
/// buffer is freed, and the reader waits for one: backpressure without an unbounded queue.
/// </remarks>
internal static class StreamingDeflater
{
    private const int BuffersInFlight = 2;
    private const int DeflateStreamBufferBytes = 8 * 1024;

    public static long WorstCaseBytes(int chunkBytes) => (long)BuffersInFlight * chunkBytes + DeflateStreamBufferBytes + DeflateBuffers.ZlibStateBytes;

    /// <param name="endsAtCut">Asked when the input has ended: true leaves the deflate stream open for a later invocation to continue.</param>
    public static async Task DeflateAsync(EntryInput input, Stream destination, CompressionLevel level, DeflateBuffers buffers, Func<bool> endsAtCut, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var free = new SemaphoreSlim(BuffersInFlight);
        var filled = Channel.CreateUnbounded<(byte[] Buffer, int Count)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var compressor = Task.Run(async () =>
        {
            try { await CompressAsync(filled.Reader, destination, level, buffers.Chunks, free, endsAtCut, cts.Token); }
            catch { await cts.CancelAsync(); throw; }
        }, CancellationToken.None);
        try
        {
            while (true)
            {
                await free.WaitAsync(cts.Token);
                var chunk = await input.ReadPooledChunkAsync(buffers.Chunks, cts.Token);
                if (chunk is not { } next) break;   // the source ended on a chunk boundary
                var (buffer, read) = next;
                filled.Writer.TryWrite((buffer, read)); // unbounded: the semaphore is the bound
                if (read < buffers.ChunkBytes) break;
            }
            filled.Writer.Complete();
        }
        catch (Exception error)
        {
            await cts.CancelAsync();
            filled.Writer.TryComplete();
            await FirstFailure.ThrowRootCauseAsync(error, compressor);
        }
        await compressor;
    }

    private static async Task CompressAsync(ChannelReader<(byte[] Buffer, int Count)> filled, Stream destination, CompressionLevel level,
        ReusePool<byte[]> chunks, SemaphoreSlim free, Func<bool> endsAtCut, CancellationToken ct)
    {
        var wroteAny = false;
        var output = new SealableWriteStream(destination);
        var deflate = new DeflateStream(output, level, leaveOpen: true);
        try
        {
            await foreach (var (buffer, count) in filled.ReadAllAsync(ct))
            {
                try
                {
                    await deflate.WriteAsync(buffer.AsMemory(0, count), ct);
                    wroteAny = true;
                }
                finally
                {
                    chunks.Return(buffer);
                    free.Release();
                }
            }
            if (endsAtCut())
            {
                // Left open at a cut: end on a byte boundary with a sync flush and keep the final block out.
                await deflate.FlushAsync(ct);
                output.Seal();
                await deflate.DisposeAsync();
                return;
            }
            // DisposeAsync finishes the stream (final block) through async writes.
            await deflate.DisposeAsync();
            if (!wroteAny) await destination.WriteAsync(DeflateBlocks.FinalEmptyBlock, ct);
        }
        catch
        {
            while (filled.TryRead(out var item)) chunks.Return(item.Buffer);
            try { await deflate.DisposeAsync(); } catch { /* archive is already failed */ }
            throw;
        }
    }
}
