using System.Security.Cryptography;

namespace S3ZipExport.Tests.Archive;

/// <summary>
/// Records what went into an archive without keeping it: wrap each entry's source with <see cref="Track"/>
/// and the SHA-256 of every entry, and of all entries concatenated in order, is computed as the writer reads.
/// That is what the readers' output is compared against, even for multi-GiB entries.
/// </summary>
internal sealed class ExpectedContent
{
    private readonly List<Entry> _entries = [];
    private readonly IncrementalHash _all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public sealed class Entry(string name)
    {
        internal readonly IncrementalHash Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private string? _sha256;
        public string Name { get; } = name;
        public long Length { get; internal set; }
        public string Sha256 => _sha256 ??= Convert.ToHexStringLower(Hash.GetHashAndReset());
    }

    public IReadOnlyList<Entry> Entries => _entries;

    private string? _allSha256;
    public string ConcatenatedSha256 => _allSha256 ??= Convert.ToHexStringLower(_all.GetHashAndReset());

    public Stream Track(string name, Stream source)
    {
        var entry = new Entry(name);
        _entries.Add(entry);
        return new HashingReadStream(source, entry, _all);
    }

    public Stream Track(string name, byte[] content) => Track(name, new MemoryStream(content));

    private sealed class HashingReadStream(Stream inner, Entry entry, IncrementalHash all) : Stream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            entry.Hash.AppendData(buffer.Span[..read]);
            all.AppendData(buffer.Span[..read]);
            entry.Length += read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("The archive writer must read asynchronously.");
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
