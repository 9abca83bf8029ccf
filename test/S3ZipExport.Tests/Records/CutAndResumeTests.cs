using System.Text;
using S3ZipExport.Pipeline;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

/// <summary>
/// A reader asked to cut stops right after a record and says where the next one starts; a reader resumed there
/// (its body fetched from that offset) reads on as if the document had been read in one go: the same rows, record
/// numbers and offsets, and the rest of the document still checked.
/// </summary>
public class CutAndResumeTests
{
    private const string Columns = "id,t,g.x";

    private static readonly string Document = """
        {"count":6,"data":{"note":"a \"quoted\" , ] } value","items":[
          {"id":1,"t":"one","g":{"x":"a"}} ,
          {"id":2,"t":"two, with ] and } inside"},
          5,
          {"id":4,"t":"four\nlines"},{"id":5} ,  {"id":6,"g":{"x":[1,2]}}
        ]},"after":[{"id":99}]}
        """;

    /// <summary>A sink that asks for a cut once it has had <paramref name="after"/> records.</summary>
    private sealed class CuttingSink(CutSignal cut, int after) : IRecordSink
    {
        public CollectingSink Collected { get; } = new();
        public void OnRecord(in RecordFields record)
        {
            Collected.OnRecord(record);
            if (Collected.Records.Count >= after) cut.Request();
        }
        public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData(1, int.MaxValue, true)]
    [InlineData(2, 7, true)]
    [InlineData(3, 1, true)]
    [InlineData(5, 13, true)]
    [InlineData(1, int.MaxValue, false)]
    [InlineData(2, 7, false)]
    [InlineData(3, 1, false)]
    [InlineData(5, 13, false)]
    public async Task A_JSON_document_cut_after_a_record_and_resumed_there_gives_every_record_once(int cutAfter, int chunk, bool scans)
    {
        var bytes = Encoding.UTF8.GetBytes(Document);
        var whole = new CollectingSink();
        await TestReaders.Json(new MemoryStream(bytes), "data.items", Columns, onBadRecord: OnBadRecord.Skip).ReadAsync(whole, CancellationToken.None);

        using var cut = new CutSignal(null);
        var first = new CuttingSink(cut, cutAfter);
        var reader = new JsonRecordReader(new TrickleStream(bytes, chunk), ["data", "items"], "application/json",
            TestReaders.Extraction(Columns, OnBadRecord.Skip, scans)) { Cut = cut };
        await reader.ReadAsync(first, CancellationToken.None);
        var at = Assert.IsType<long>(reader.CutAt);
        Assert.True(bytes[(int)at - 1] is (byte)'}' or (byte)'5', $"cut at {at}, after '{(char)bytes[at - 1]}'");

        var rest = new CollectingSink();
        var resumed = new JsonRecordReader(new TrickleStream(bytes[(int)at..], chunk), ["data", "items"], "application/json",
            TestReaders.Extraction(Columns, OnBadRecord.Skip, scans)) { FirstRecordIndex = reader.RecordCount };
        resumed.ResumeAt(at);
        await resumed.ReadAsync(rest, CancellationToken.None);

        Assert.Null(resumed.CutAt);
        Assert.Equal(whole.Records.Select(Row), first.Collected.Records.Concat(rest.Records).Select(Row));
        Assert.Equal(bytes.Length - at, resumed.BytesRead);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_resumed_document_whose_rest_is_broken_fails_with_the_documents_own_offset(bool scans)
    {
        var bytes = Encoding.UTF8.GetBytes("""{"events":[{"id":1},{"id":2},{"id":3,}]}""");
        var at = Encoding.UTF8.GetString(bytes).IndexOf(",{\"id\":2", StringComparison.Ordinal);
        var resumed = new JsonRecordReader(new MemoryStream(bytes[at..]), ["events"], "application/json", TestReaders.Extraction(scans: scans));
        resumed.ResumeAt(at);
        var e = await Assert.ThrowsAnyAsync<BadInputException>(() => resumed.ReadAsync(new CollectingSink(), CancellationToken.None));
        Assert.Contains($"at byte offset {Encoding.UTF8.GetString(bytes).IndexOf(",}", StringComparison.Ordinal) + 1}", e.Message);
    }

    [Theory]
    [InlineData(1, int.MaxValue)]
    [InlineData(2, 3)]
    public async Task JSON_Lines_cut_after_a_line_and_resumed_there_gives_every_record_once_with_its_line_numbers(int cutAfter, int chunk)
    {
        var bytes = Encoding.UTF8.GetBytes("{\"id\":1}\r\n\n{\"id\":2,\"t\":\"x\"}\n  {\"id\":3}\n{\"id\":4}");
        using var cut = new CutSignal(null);
        var first = new CuttingSink(cut, cutAfter);
        var reader = new NdjsonRecordReader(new TrickleStream(bytes, chunk), "application/x-ndjson", TestReaders.Extraction(Columns)) { Cut = cut };
        await reader.ReadAsync(first, CancellationToken.None);
        var at = Assert.IsType<long>(reader.CutAt);

        var rest = new CollectingSink();
        var resumed = new NdjsonRecordReader(new TrickleStream(bytes[(int)at..], chunk), "application/x-ndjson", TestReaders.Extraction(Columns))
        {
            FirstRecordIndex = reader.RecordCount,
        };
        resumed.ResumeAt(at, reader.Line);
        await resumed.ReadAsync(rest, CancellationToken.None);

        var all = first.Collected.Records.Concat(rest.Records).ToList();
        Assert.Equal(["1", "2", "3", "4"], all.Select(r => r.Fields[0]));
        Assert.Equal([0L, 1L, 2L, 3L], all.Select(r => r.Index));
        Assert.Equal(Encoding.UTF8.GetString(bytes).IndexOf("{\"id\":4", StringComparison.Ordinal), all[3].Offset);
    }

    private static string Row((string[] Fields, long Index, long Offset) record) =>
        $"{string.Join('|', record.Fields)} #{record.Index} @{record.Offset}";
}
