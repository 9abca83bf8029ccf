using System.IO.Hashing;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Archive;

/// <summary>
/// Records what went into an archive without keeping it: wrap each entry's source with <c>Track</c> and
/// the length and CRC-32 of every entry are computed as the writer reads. Readers' output is compared against
/// these, even for multi-GiB entries.
/// </summary>
/// <remarks>
/// CRC-32 rather than SHA-256: the fingerprint is computed here independently of the writer, and a reader's
/// CRC over the bytes it extracted must match it, which catches any lost, repeated or reordered chunk; SHA-256
/// of a 4 GiB entry alone took 5.6 s on the test machine.
/// </remarks>
internal sealed class ExpectedContent
{
    private readonly List<Entry> _entries = [];

    public sealed class Entry(string name)
    {
        internal readonly Crc32 Crc = new();
        public string Name { get; } = name;
        public long Length { get; internal set; }
        public uint Crc32 => Crc.GetCurrentHashAsUInt32();
    }

    public IReadOnlyList<Entry> Entries => _entries;

    public long TotalLength => _entries.Sum(e => e.Length);

    public Stream Track(string name, Stream source)
    {
        var entry = new Entry(name);
        _entries.Add(entry);
        return new FingerprintingReadStream(source, entry);
    }

    public Stream Track(string name, byte[] content) => Track(name, new MemoryStream(content));

    private sealed class FingerprintingReadStream(Stream inner, Entry entry) : ForwardOnlyReadStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            entry.Crc.Append(buffer.Span[..read]);
            entry.Length += read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("The archive writer must read asynchronously.");
    }
}
