using System.Text.Json;
using S3ZipExport.Pipeline;

namespace S3ZipExport.Records;

/// <summary>
/// What the JSON document reader and the JSON Lines reader share, so that every rule about a record holds for both:
/// a record is a JSON object; any other valid JSON value is a bad record (EXPORT_ON_BAD_RECORD decides); a record
/// that is not valid JSON fails the export with its position; the columns are found in the same single pass that
/// finds the record's end; repeated names, nesting and text follow the extractor's rules. Records are numbered from
/// 1 in messages. Memory: one <see cref="ReadWindow"/>; the extractor is the export's.
/// </summary>
internal abstract class RecordReader(Stream body, string? contentType, RecordExtraction extraction)
{
    /// <summary>
    /// Deeper than any real API nests, and far beyond Utf8JsonReader's default of 64 that failed valid documents.
    /// The reader keeps one bit per level, so this costs nothing until a document is that deep.
    /// </summary>
    public const int MaxDepth = 10_000;

    internal static readonly JsonReaderOptions Options = new() { MaxDepth = MaxDepth };

    protected ReadWindow Window { get; } = new(body, extraction.MaxRecordBytes);

    protected string? ContentType => contentType;

    /// <summary>Records read so far (rows and skipped ones); read from another thread for progress.</summary>
    public long RecordCount { get; protected set; }

    /// <summary>Body bytes read so far (after content decoding).</summary>
    public long BytesRead => Window.BytesRead;

    /// <summary>The index the first record of this document gets: the records read before it (earlier pages, URLs).</summary>
    public long FirstRecordIndex { get; init; }

    /// <summary>Where the reader may stop early: after any record, once the signal asks (null: never).</summary>
    public CutSignal? Cut { get; init; }

    /// <summary>Set when the reader stopped at a cut: the byte offset in the document where the next record starts.</summary>
    public long? CutAt { get; protected set; }

    /// <summary>After a record: whether to stop here for a cut, and if so where the next record starts.</summary>
    protected bool StopsForCut(long nextOffset)
    {
        if (Cut?.IsRequested != true) return false;
        CutAt = nextOffset;
        return true;
    }

    /// <summary>The page's total, for paging; null when the document has none (JSON Lines never has).</summary>
    public virtual long? Total => null;

    protected long Index => FirstRecordIndex + RecordCount;

    /// <summary>The record's number as people count, from 1.</summary>
    protected long Number => Index + 1;

    /// <summary>The sink that makes rows on threads of its own, when the export has one; null when this thread makes them.</summary>
    private IRecordBytesSink? _handOver;

    /// <summary>Reads the body to its end (or to a cut), handing every record to <paramref name="sink"/> in order.</summary>
    public async Task ReadAsync(IRecordSink sink, CancellationToken ct)
    {
        _handOver = sink as IRecordBytesSink;
        try
        {
            await ReadRecordsAsync(sink, ct);
        }
        catch (Exception e) when (_handOver is not null && e is not OperationCanceledException)
        {
            // A record handed over before this problem (bad input, or the source failing) may have failed on another
            // thread: that one came first. (A cancellation is another stage's failure, which is what counts then.)
            _handOver.Drain();
            throw;
        }
        if (_handOver is null) return;
        _handOver.Drain();
        await sink.FlushAsync(ct);
    }

    protected abstract Task ReadRecordsAsync(IRecordSink sink, CancellationToken ct);

    /// <summary>Whether records are handed over as bytes (<see cref="IRecordBytesSink"/>) rather than extracted here.</summary>
    protected bool HandsOver => _handOver is not null;

    /// <summary>
    /// For <see cref="HandsOver"/>: the object record at <paramref name="recordStart"/> in <paramref name="data"/>
    /// found (checked as <see cref="TryScan"/> checks it, no values extracted) and handed over. The position after it,
    /// or <see cref="JsonSyntax.NeedMore"/>; <see cref="JsonSyntax.Invalid"/> when the reader is to take it itself
    /// (the scan cannot vouch for it, or it is larger than the sink takes, or <paramref name="wholeData"/> asks the
    /// record to end where the data does and it does not): everything handed over is drained first.
    /// </summary>
    protected int TryHandOver(ReadOnlySpan<byte> data, int recordStart, long dataOffset, bool wholeData = false)
    {
        var end = extraction.EndFinder.TryScan(data, recordStart);
        if (end == JsonSyntax.NeedMore && !wholeData) return end;
        if (end < 0 || end - recordStart > _handOver!.MaxRecordBytes || (wholeData && end != data.Length))
        {
            _handOver!.Drain();
            return JsonSyntax.Invalid;
        }
        _handOver.OnRecordBytes(data[recordStart..end], Index, dataOffset + recordStart);
        RecordCount++;
        return end;
    }

    /// <summary>Before the reader takes a step of its own that may emit a record or decide on a bad one: everything handed over written first.</summary>
    protected void DrainHandedOver() => _handOver?.Drain();

    /// <summary>
    /// Finds one object record's column values in the same pass that finds its end. <paramref name="reader"/> is on
    /// the record's StartObject at <paramref name="recordStart"/> in <paramref name="data"/> (whose first byte is at
    /// <paramref name="dataOffset"/> in the body); on success it is left on the EndObject. False when the data ends
    /// inside the record. <see cref="Emit"/> then hands the record on.
    /// </summary>
    protected bool TryExtract(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, int recordStart, long dataOffset) =>
        extraction.Extractor.TryRead(ref reader, data, recordStart, Index, dataOffset + recordStart);

    /// <summary>
    /// Whether object records whose '{' is at nesting <paramref name="recordDepth"/> are scanned with <see cref="TryScan"/>
    /// first: always in an export (tests compare without), as long as the deepest the scan nests stays within
    /// <see cref="MaxDepth"/>, where the reader would fail the document.
    /// </summary>
    protected bool ScansAt(int recordDepth) => extraction.ScansRecords && recordDepth + extraction.Extractor.ScanDepth + 1 < MaxDepth;

    /// <summary>
    /// The fast path of <see cref="TryExtract"/>: the object record at <paramref name="recordStart"/> in
    /// <paramref name="data"/> scanned without Utf8JsonReader. The position after it, or <see cref="JsonSyntax.NeedMore"/>,
    /// or <see cref="JsonSyntax.Invalid"/>: then the record is read with TryExtract, which fails as the reader does.
    /// </summary>
    protected int TryScan(ReadOnlySpan<byte> data, int recordStart) => extraction.Extractor.TryScan(data, recordStart);

    /// <summary>Hands the record whose values <see cref="TryExtract"/> found on to the sink, or to the bad-record policy.</summary>
    protected void Emit(ReadOnlySpan<byte> record, long offset, IRecordSink sink)
    {
        RecordFields fields;
        try
        {
            fields = extraction.Extractor.Complete(record, Index, offset);
        }
        catch (BadRecordException e)
        {
            extraction.BadRecords.Handle(e);
            RecordCount++;
            return;
        }
        sink.OnRecord(fields);
        RecordCount++;
    }

    /// <summary>A record that is valid JSON but not an object: a bad record, skipped or fatal as the settings say.</summary>
    protected void NotAnObject(JsonTokenType type, long offset, string where)
    {
        extraction.BadRecords.Handle(new BadRecordException($"Record {Number} ({where}at byte offset {offset}) is {Describe(type)}, not an object.", Index));
        RecordCount++;
    }

    /// <summary>
    /// The text of a JsonException without its LineNumber/BytePositionInLine suffix (the caller says where), and in
    /// plain words for the one limit this reader sets.
    /// </summary>
    internal static string Problem(JsonException e) =>
        e.Message.Contains("maximum configured depth", StringComparison.Ordinal)
            ? $"it is nested deeper than {MaxDepth:N0} levels, the most this export reads"
            : e.Message.Split(" LineNumber:")[0].TrimEnd('.', ' ');

    internal static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };
}
