using System.Text;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

/// <summary>Collects each record the reader hands over: its JSON text, index and byte offset.</summary>
internal sealed class CollectingSink : IRecordSink
{
    public List<(string Json, long Index, long Offset)> Records { get; } = [];
    public IReadOnlyList<long> Indexes => Records.Select(r => r.Index).ToList();
    public void OnRecord(ReadOnlySpan<byte> record, long index, long byteOffset) =>
        Records.Add((Encoding.UTF8.GetString(record), index, byteOffset));
    public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;
}

/// <summary>Hands out at most <paramref name="chunk"/> bytes per read, so every token boundary falls across reads.</summary>
internal sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], ct);
}
