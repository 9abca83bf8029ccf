using System.Text;
using S3ZipExport.Records;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Records;

/// <summary>Collects each record the reader hands over: its fields as text, index and byte offset.</summary>
internal sealed class CollectingSink : IRecordSink
{
    public List<(string[] Fields, long Index, long Offset)> Records { get; } = [];
    public IReadOnlyList<long> Indexes => Records.Select(r => r.Index).ToList();

    /// <summary>The first column of every record.</summary>
    public IReadOnlyList<string> First => Records.Select(r => r.Fields[0]).ToList();

    public void OnRecord(in RecordFields record)
    {
        var fields = new string[record.Count];
        for (var i = 0; i < record.Count; i++) fields[i] = Encoding.UTF8.GetString(record[i]);
        Records.Add((fields, record.Index, record.ByteOffset));
    }

    public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;
}

/// <summary>Readers as the export makes them: an extraction of the given columns and bad-record policy.</summary>
internal static class TestReaders
{
    public static RecordExtraction Extraction(string columns = "id", OnBadRecord onBadRecord = OnBadRecord.Fail, bool scans = true)
    {
        var errors = new List<string>();
        var specs = ColumnListParser.Parse(columns, errors);
        Assert.Empty(errors);
        return new RecordExtraction(new RecordOptions { Columns = specs, OnBadRecord = onBadRecord }) { ScansRecords = scans };
    }

    public static JsonRecordReader Json(Stream body, string path = "events", string columns = "id", string contentType = "application/json",
        string? total = null, OnBadRecord onBadRecord = OnBadRecord.Fail) =>
        new(body, path.Length == 0 ? [] : path.Split('.'), contentType, Extraction(columns, onBadRecord), total?.Split('.'));

    public static NdjsonRecordReader Ndjson(Stream body, string columns = "id", OnBadRecord onBadRecord = OnBadRecord.Fail) =>
        new(body, "application/x-ndjson", Extraction(columns, onBadRecord));
}

/// <summary>Hands out at most <paramref name="chunk"/> bytes per read, so every token boundary falls across reads.</summary>
internal sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], ct);
}
