using System.Buffers;

namespace S3ZipExport.Pipeline;

/// <summary>
/// The memory of one export's CSV pipes: 64 KiB blocks from a <see cref="ReusePool{T}"/>. Left to themselves the
/// pipes rent from ArrayPool.Shared, whose per-core stacks every other 64 KiB user in the process shares and which
/// drops what overflows them: a profile of a 1 GB export showed 5 MB (1 compression thread) to 40 MB (2 threads) of
/// 64 KiB arrays allocated again and again. That garbage piles up to gen0's budget, which the runtime sizes from
/// the CPU cache (tens of MB), before anything collects it, so peak memory grew with the export's size. Here the
/// number of blocks stays at what the pipes hold at most: the pause threshold per pipe, plus the block being
/// written and the one being read.
/// </summary>
internal sealed class PipeBlockPool : MemoryPool<byte>
{
    public const int BlockBytes = 64 * 1024;

    private readonly ReusePool<Block> _blocks;

    public PipeBlockPool() => _blocks = new ReusePool<Block>(() => new Block(this));

    /// <summary>Blocks allocated so far: the most the pipes have held at once.</summary>
    public int BlocksAllocated => _blocks.Created;

    public override int MaxBufferSize => BlockBytes;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockBytes);
        return _blocks.Rent();
    }

    protected override void Dispose(bool disposing) => _blocks.Clear();

    private sealed class Block(PipeBlockPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockBytes);

        public Memory<byte> Memory => _array;

        public void Dispose() => pool._blocks.Return(this);
    }
}
