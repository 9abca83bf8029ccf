namespace S3ZipExport.Archive;

/// <summary>Raw deflate (RFC 1951) pieces we emit ourselves.</summary>
internal static class DeflateBlocks
{
    /// <summary>
    /// A final, empty block with fixed Huffman codes: BFINAL=1, BTYPE=01, end-of-block code 0000000 (RFC 1951
    /// 3.2.3/3.2.6), i.e. bits 1,1,0 then seven zeros = 03 00. Needed twice: for an empty entry (DeflateStream
    /// writes nothing at all if nothing was written to it, and "" is not a valid deflate stream), and to close a
    /// stream whose input ended exactly on a chunk boundary, where the last chunk went out sync-flushed and
    /// non-final.
    /// </summary>
    public static ReadOnlyMemory<byte> FinalEmptyBlock { get; } = new byte[] { 0x03, 0x00 };
}
