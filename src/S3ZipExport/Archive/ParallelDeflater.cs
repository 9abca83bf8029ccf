using System.IO.Compression;
using System.Threading.Channels;
using S3ZipExport.Pipeline;

namespace S3ZipExport.Archive;

/// <summary>
/// Deflates an entry on several cores as pigz does in its <c>--independent</c> mode: the input is cut into chunks of
/// chunkBytes, each chunk is compressed by its own DeflateStream starting from an empty window, and the results are
/// written in input order. Every chunk but the last ends with a sync flush (an empty stored block, 00 00 FF FF, which
/// also byte-aligns the output) and has no final block, so the concatenation is one valid deflate stream (RFC 1951)
/// that any inflater reads straight through. pigz by default primes each chunk with the previous chunk's last 32 KiB
/// as a dictionary; .NET's DeflateStream cannot (its native library exports no deflateSetDictionary), so each chunk
/// loses what the previous one's window would have matched: a small ratio cost, measured by the benchmark's
/// <c>--stage compress</c> (bench/results).
/// </summary>
/// <remarks>
/// <para>Why DeflateStream.Flush(): in .NET (zlib-ng since .NET 9) it is Z_SYNC_FLUSH, verified by the test
/// <c>DeflateStream_Flush_is_a_sync_flush</c>. DeflateStream.Dispose then appends a final empty block; for a
/// non-final chunk that tail is dropped by sealing the buffer after the flush.</para>
/// <para>Which chunk is last is known without reading ahead: EntryInput fills a chunk completely unless the
/// source ends, so a short chunk is final. If the source ends exactly on a chunk boundary, the stream is closed
/// with <see cref="DeflateBlocks.FinalEmptyBlock"/> (2 bytes).</para>
/// <para>Memory (<see cref="WorstCaseBytes"/>): 2 × threads chunk slots. A slot is taken before a chunk is read and
/// given back once its compressed bytes are written out, so a slow output stops the reader (backpressure). A slot
/// holds one input buffer (chunkBytes, returned as soon as the chunk is compressed) and that chunk's compressed bytes
/// (pooled 64 KiB segments; deflate never expands data by more than its stored-block overhead, so at most chunkBytes
/// plus one segment). At most threads chunks are compressed at once, each with its own zlib state.</para>
/// </remarks>
internal static class ParallelDeflater
{
    public static long WorstCaseBytes(int threads, int chunkBytes) =>
        2L * threads * (2L * chunkBytes + DeflateBuffers.SegmentBytes) + (long)threads * DeflateBuffers.ZlibStateBytes;

    /// <param name="endsAtCut">Asked when the input has ended: true leaves the deflate stream open for a later invocation to continue.</param>
    public static async Task DeflateAsync(EntryInput input, Stream destination, CompressionLevel level, int threads, DeflateBuffers buffers,
        Func<bool> endsAtCut, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var slots = new SemaphoreSlim(2 * threads);
        using var compressors = new SemaphoreSlim(threads);
        var inOrder = Channel.CreateUnbounded<Task<PooledSegmentStream>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            try { await WriteInOrderAsync(inOrder.Reader, destination, slots, cts.Token); }
            catch { await cts.CancelAsync(); throw; }
        }, CancellationToken.None);

        var endedWithFinalChunk = false;
        try
        {
            while (true)
            {
                await slots.WaitAsync(cts.Token);
                var chunk = await input.ReadPooledChunkAsync(buffers.Chunks, cts.Token);
                if (chunk is not { } next) break;   // the source ended on a chunk boundary
                var (buffer, read) = next;
                // A short chunk is the last; it ends the stream unless a cut leaves the stream open.
                var isFinal = read < buffers.ChunkBytes && !endsAtCut();
                var isLast = read < buffers.ChunkBytes;
                inOrder.Writer.TryWrite(CompressChunkAsync(buffer, read, isFinal, level, buffers, compressors, cts.Token));
                if (isLast)
                {
                    endedWithFinalChunk = isFinal;
                    break;
                }
            }
            inOrder.Writer.Complete();
            await writer;
        }
        catch (Exception error)
        {
            await cts.CancelAsync();
            inOrder.Writer.TryComplete();
            await DrainAsync(inOrder.Reader, writer);
            await FirstFailure.ThrowRootCauseAsync(error, writer);
        }

        if (!endedWithFinalChunk && !endsAtCut())
            await destination.WriteAsync(DeflateBlocks.FinalEmptyBlock, ct);
    }

    private static Task<PooledSegmentStream> CompressChunkAsync(byte[] input, int count, bool isFinal, CompressionLevel level, DeflateBuffers buffers,
        SemaphoreSlim compressors, CancellationToken ct) =>
        // CancellationToken.None for Task.Run: the delegate must run to return the input buffer.
        Task.Run(async () =>
        {
            try
            {
                await compressors.WaitAsync(ct);
                try
                {
                    return CompressChunk(input.AsSpan(0, count), isFinal, level, buffers.Segments);
                }
                finally
                {
                    compressors.Release();
                }
            }
            finally
            {
                buffers.Chunks.Return(input);
            }
        }, CancellationToken.None);

    private static PooledSegmentStream CompressChunk(ReadOnlySpan<byte> input, bool isFinal, CompressionLevel level, ReusePool<byte[]> segments)
    {
        var output = new PooledSegmentStream(segments);
        try
        {
            using (var deflate = new DeflateStream(output, level, leaveOpen: true))
            {
                deflate.Write(input);
                if (!isFinal)
                {
                    deflate.Flush();
                    output.Seal(); // what Dispose appends is a final block; this chunk must not have one
                }
            }
            output.Seal();
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    private static async Task WriteInOrderAsync(ChannelReader<Task<PooledSegmentStream>> inOrder, Stream destination, SemaphoreSlim slots, CancellationToken ct)
    {
        while (await inOrder.WaitToReadAsync(ct))
        {
            while (inOrder.TryRead(out var pending))
            {
                using (var chunk = await pending)
                {
                    await chunk.WriteToAsync(destination, ct);
                }
                slots.Release();
            }
        }
    }

    /// <summary>After a failure: let every started chunk finish so its buffers go back to the pool.</summary>
    private static async Task DrainAsync(ChannelReader<Task<PooledSegmentStream>> inOrder, Task writer)
    {
        try { await writer; } catch { /* reported by the caller */ }
        while (inOrder.TryRead(out var pending))
        {
            try { (await pending).Dispose(); } catch { /* cancelled or failed chunk */ }
        }
    }
}
