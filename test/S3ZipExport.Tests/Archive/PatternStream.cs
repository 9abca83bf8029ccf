using System.Text;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Archive;

/// <summary>
/// Read-only source of <c>length</c> bytes of CSV-like text with Japanese content, generated on the fly so a
/// multi-GiB entry costs no memory. The rows repeat with a period of a few KiB, so Fastest deflate runs at
/// GB/s; <c>variety</c> &gt; 0 varies a column per row for more realistic ratios.
/// </summary>
internal sealed class PatternStream : ForwardOnlyReadStream
{
    private readonly byte[] _pattern;
    private readonly long _length;
    private long _position;

    public PatternStream(long length, int variety = 0, int seed = 1)
    {
        _length = length;
        _pattern = BuildPattern(variety, seed);
    }

    public long BytesRead => _position;

    public static byte[] BuildPattern(int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("id,name,city,amount,note\n");
        string[] names = ["山田太郎", "佐藤花子", "鈴木一郎", "Tanaka, Ken", "O'Brien \"Bo\""];
        string[] cities = ["東京都千代田区", "大阪市北区", "札幌市中央区", "Yokohama"];
        var count = Math.Max(rows, 64);
        for (var i = 0; i < count; i++)
        {
            var amount = rows > 0 ? random.Next(0, 10_000_000) : i * 37;
            text.Append(i).Append(',').Append(names[i % names.Length].Contains(',') ? $"\"{names[i % names.Length]}\"" : names[i % names.Length])
                .Append(',').Append(cities[i % cities.Length]).Append(',').Append(amount)
                .Append(",備考").Append(rows > 0 ? random.Next() : i % 7).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public override int Read(Span<byte> buffer)
    {
        var remaining = _length - _position;
        if (remaining <= 0) return 0;
        var total = (int)Math.Min(buffer.Length, remaining);
        var written = 0;
        while (written < total)
        {
            var offset = (int)((_position + written) % _pattern.Length);
            var take = Math.Min(total - written, _pattern.Length - offset);
            _pattern.AsSpan(offset, take).CopyTo(buffer[written..]);
            written += take;
        }
        _position += total;
        return total;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));
}
