using System.Text;
using S3ZipExport.Archive;
using S3ZipExport.Csv;
using S3ZipExport.Export;
using S3ZipExport.Records;
using S3ZipExport.Settings;
using S3ZipExport.Tests.Records;

namespace S3ZipExport.Tests.Export;

/// <summary>
/// The parse-and-CSV stage on several threads (EXPORT_PARSE_THREADS) against the stage on the reader's thread, on
/// random documents, valid and with one bad byte anywhere, read in pieces of many sizes, with batches of a record or
/// two and small records left to the reader's thread: the same CSV files byte for byte, the same counts (records,
/// rows, skipped, unencodable characters) and the same first error, message and all (after which only the records
/// found may differ: the reader may be ahead of the failing record).
/// </summary>
public class ParallelCsvSinkTests
{
    private const string Columns = "id,t,Group=g.x,g,tags|join:;,n,description";

    private static readonly int[] Chunks = [1, 7, 64, int.MaxValue];

    public static TheoryData<int, string, bool, long> Cases => new()
    {
        { 11, "events", true, 0 },
        { 12, "events", false, 0 },
        { 13, "data.items", true, 2 },
        { 14, "", true, 1 },
        { 15, "ndjson", true, 0 },
        { 16, "ndjson", false, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Rows_made_on_parse_threads_are_the_rows_of_the_readers_thread(int seed, string path, bool skipBadRecords, long maxRowsPerFile)
    {
        var onBadRecord = skipBadRecords ? OnBadRecord.Skip : OnBadRecord.Fail;
        var random = new RandomJson(seed) { EscapedNames = true };
        for (var n = 0; n < 25; n++)
        {
            var document = Encoding.UTF8.GetBytes(path == "ndjson" ? Lines(random) : Document(random, path));
            if (random.Next(3) == 0) document = random.Edit(document);
            foreach (var chunk in Chunks)
            {
                var run = new Run(document, path, chunk, onBadRecord, maxRowsPerFile, CsvFormat.Default);
                var alone = await run.ReadAsync(parseThreads: 1);
                foreach (var (threads, batchBytes, largest) in new[] { (1, 1, 1 << 20), (2, 60, 90), (3, 200, 1 << 20) })
                {
                    var spread = await run.ReadAsync(threads + 1, batchBytes, largest);
                    Assert.True(alone == spread, $"chunk {chunk}, {threads + 1} parse threads, batches of {batchBytes} bytes, records up to {largest} bytes:\n" +
                                                 $"reader's thread: {alone}\nparse threads:   {spread}\ndocument: {Encoding.UTF8.GetString(document)}");
                }
            }
        }
    }

    [Fact]
    public async Task The_first_failure_in_record_order_wins_whichever_thread_finds_it()
    {
        // Record 3's formatter fails (a bad record under fail), record 5 has invalid UTF-8 in a column: with batches of
        // one record each, record 5's thread may finish first; the export still fails at record 3.
        var records = new[] { """{"n":"2026-12-01"}""", """{"n":"2026-12-02"}""", """{"n":"x"}""", """{"n":"2026-12-04"}""", "{\"t\":\"\xFF\"}", """{"n":"2026-12-06"}""" };
        var document = Encoding.Latin1.GetBytes("{\"events\":[" + string.Join(",", records) + "]}");
        var run = new Run(document, "events", int.MaxValue, OnBadRecord.Fail, 0, CsvFormat.Default, "n|datetime:yyyy,t");
        var alone = await run.ReadAsync(parseThreads: 1);
        Assert.Contains("error BadRecordException: Record 3", alone);
        for (var i = 0; i < 20; i++) Assert.Equal(alone, await run.ReadAsync(parseThreads: 4, batchBytes: 1));
    }

    [Fact]
    public async Task A_bad_record_before_the_source_fails_is_the_failure_on_parse_threads_too()
    {
        // The connection drops after record 40; record 2 has a byte that is not UTF-8 in a column. On the reader's
        // thread record 2 fails before the drop is read; on parse threads (one batch for all, so no row is made
        // before the drop) the reader is past it when the drop comes, and the record's failure must still be the
        // one the export reports.
        var records = Enumerable.Range(0, 60).Select(i => i == 1 ? "{\"t\":\"\xFF\"}" : $$"""{"t":"record {{i}}"}""");
        var document = Encoding.Latin1.GetBytes("[" + string.Join(",", records) + "]");
        var dropAt = document.AsSpan().IndexOf("record 40"u8);
        var run = new Run(document, "", 16, OnBadRecord.Fail, 0, CsvFormat.Default, "t") { FailAt = dropAt };
        var alone = await run.ReadAsync(parseThreads: 1);
        Assert.True(alone.Contains($"error BadInputException: Invalid UTF-8 at byte offset {Array.IndexOf(document, (byte)0xFF)} of the source, in record 2.", StringComparison.Ordinal), alone);
        Assert.Equal(alone, await run.ReadAsync(parseThreads: 3, batchBytes: 1 << 20));
    }

    [Fact]
    public async Task Shift_JIS_rows_and_their_unencodable_characters_are_counted_alike()
    {
        var records = Enumerable.Range(0, 300).Select(i => $$"""{"id":{{i}},"t":"東京 {{i}} 😀 \"q\"","description":"〜 line\nbreak"}""");
        var document = Encoding.UTF8.GetBytes("[" + string.Join(",", records) + "]");
        var format = CsvFormat.Default with { Encoding = CsvEncoding.ShiftJis };
        var run = new Run(document, "", 13, OnBadRecord.Fail, 70, format, "id,t,description");
        var alone = await run.ReadAsync(parseThreads: 1);
        Assert.Contains("unencodable 300,", alone);
        Assert.Equal(alone, await run.ReadAsync(parseThreads: 3, batchBytes: 500));
    }

    [Fact]
    public async Task A_record_strict_Shift_JIS_cannot_encode_fails_with_the_same_counts_and_bytes()
    {
        var records = Enumerable.Range(0, 5).Select(i => i == 3 ? """{"id":3,"t":"x 😀"}""" : $$"""{"id":{{i}},"t":"東京"}""");
        var document = Encoding.UTF8.GetBytes("[" + string.Join(",", records) + "]");
        var format = CsvFormat.Default with { Encoding = CsvEncoding.ShiftJis, StrictEncoding = true };
        var run = new Run(document, "", int.MaxValue, OnBadRecord.Fail, 0, format, "id,t");
        var alone = await run.ReadAsync(parseThreads: 1);
        Assert.Contains("has no code in Shift_JIS", alone);
        Assert.Equal(alone, await run.ReadAsync(parseThreads: 3, batchBytes: 1));
    }

    [Fact]
    public async Task Characters_rows_could_not_encode_before_a_fatal_bad_record_are_counted_alike()
    {
        var records = Enumerable.Range(0, 5).Select(i => i == 3 ? """{"n":"x"}""" : $$"""{"n":"2026-12-01T10:00:00+09:00","t":"😀 {{i}}"}""");
        var document = Encoding.UTF8.GetBytes("[" + string.Join(",", records) + "]");
        var run = new Run(document, "", int.MaxValue, OnBadRecord.Fail, 0, CsvFormat.Default with { Encoding = CsvEncoding.ShiftJis }, "n|datetime:yyyy,t");
        var alone = await run.ReadAsync(parseThreads: 1);
        Assert.Contains("unencodable 3,", alone);
        Assert.Contains("BadRecordException: Record 4", alone);
        Assert.Equal(alone, await run.ReadAsync(parseThreads: 3));
    }

    [Fact]
    public void A_batch_of_tiny_records_with_many_columns_stays_within_its_share_of_the_memory_budget()
    {
        // WorstCaseBytes counts each batch at BatchBytes plus a last record, and its rows at twice that: a record of
        // two bytes still makes a row of 100 columns, so records weigh what their rows can take, not their bytes.
        var errors = new List<string>();
        var columns = ColumnListParser.Parse(string.Join(",", Enumerable.Range(0, 100).Select(i => $"c{i}")), errors);
        Assert.Empty(errors);
        var batch = new RecordBatch(RecordBatch.PerRecordBytes(columns.Count));
        for (var n = 0L; batch.Weight < ParallelCsvSink.BatchBytes; n++) batch.Add("{}"u8, n, 1 + 3 * n);
        new RecordRowMaker(columns, CsvFormat.Default).Make(batch);
        var share = ParallelCsvSink.BatchBytes + ParallelCsvSink.LargestRecordBytes;
        Assert.True(batch.Count > 100, $"{batch.Count} records");
        Assert.True(batch.Rows.WrittenCount <= 2L * share, $"{batch.Count} records made {batch.Rows.WrittenCount} bytes of rows; the budget allows {2 * share}");
    }

    private static string Document(RandomJson random, string path)
    {
        var records = Enumerable.Range(0, random.Next(12)).Select(_ => random.Space() + (random.Next(10) == 0 ? random.Value(2) : Record(random)) + random.Space());
        var array = $"[{string.Join(",", records)}]";
        if (path.Length == 0) return array;
        foreach (var segment in path.Split('.').Reverse()) array = $"{{\"skip\":{random.Value(2)},\"{segment}\":{array}}}";
        return array;
    }

    private static string Lines(RandomJson random) =>
        string.Join(random.Next(2) == 0 ? "\n" : "\r\n", Enumerable.Range(0, random.Next(12)).Select(_ => Record(random).Replace("\n", " ").Replace("\r", " ")));

    /// <summary>A record with the columns' names most of the time (a formatter fails on a text n); an edit may make it anything.</summary>
    private static string Record(RandomJson random) =>
        random.Next(5) == 0 ? random.Object(2) :
        $"{{\"id\":{random.Next(1000)},\"description\":{random.String()},\"skip\":{random.Value(2)},\"g\":{random.Object(1)},\"t\":{random.String()},\"n\":{(random.Next(6) == 0 ? "\"x\"" : $"\"2026-12-0{1 + random.Next(9)}T10:00:00+09:00\"")}}}";

    /// <summary>One document read into CSV files as an export reads it, on the reader's thread or on parse threads.</summary>
    private sealed record Run(byte[] Document, string Path, int Chunk, OnBadRecord OnBadRecord, long MaxRowsPerFile, CsvFormat Format, string ColumnList = Columns + ",N=n|datetime:yyyy/MM/dd HH:mm")
    {
        /// <summary>Where the body fails with an IOException, as a dropped connection does; null: never.</summary>
        public int? FailAt { get; init; }

        public async Task<string> ReadAsync(int parseThreads, int batchBytes = ParallelCsvSink.BatchBytes, int largestRecordBytes = ParallelCsvSink.LargestRecordBytes)
        {
            var errors = new List<string>();
            var columns = ColumnListParser.Parse(ColumnList, errors);
            Assert.Empty(errors);
            var extraction = new RecordExtraction(new RecordOptions { Columns = columns, OnBadRecord = OnBadRecord });
            Stream body = FailAt is { } failAt ? new FailingStream(Document, Chunk, failAt) : new TrickleStream(Document, Chunk);
            RecordReader reader = Path == "ndjson"
                ? new NdjsonRecordReader(body, "application/x-ndjson", extraction)
                : new JsonRecordReader(body, Path.Length == 0 ? [] : Path.Split('.'), "application/json", extraction);
            using var files = new CsvFiles("events.csv", numbered: MaxRowsPerFile > 0);
            var csv = new CsvRowWriter(files.StartNext(), columns, Format);
            var csvSink = new CsvFileSink(csv, files, new ArchiveOptions { MaxRowsPerFile = MaxRowsPerFile });
            using var parallel = parseThreads > 1 ? new ParallelCsvSink(csvSink, extraction.BadRecords, columns, Format, parseThreads, batchBytes, largestRecordBytes) : null;
            var collect = CollectAsync(files);
            var error = "none";
            try
            {
                await reader.ReadAsync(parallel ?? (IRecordSink)csvSink, CancellationToken.None);
                await files.CompleteAsync();
            }
            catch (Exception e) when (e is BadInputException or IOException)
            {
                error = $"{e.GetType().Name}: {e.Message}";
                await files.CompleteAsync(e);
            }
            var output = await collect;
            // After a failure the reader may have found records past the failing one (parse threads are behind it);
            // it is the failure that counts then, and nothing reports how far the reader got.
            return $"records {(error == "none" ? reader.RecordCount : "-")}, rows {csv.Rows}, skipped {extraction.BadRecords.Skipped}, unencodable {csv.UnencodableCharacters}, " +
                   $"csv bytes {csv.BytesWritten}, error {error}, files [{output}]";
        }

        private static async Task<string> CollectAsync(CsvFiles files)
        {
            var text = new StringBuilder();
            try
            {
                await foreach (var file in files.ReadAllAsync(CancellationToken.None))
                {
                    using var bytes = new MemoryStream();
                    await file.Reader.CopyToAsync(bytes);
                    text.Append($"{file.Name}: {Convert.ToHexString(bytes.ToArray())}; ");
                }
            }
            catch (Exception e) when (e is BadInputException or IOException) { text.Append("failed"); }
            return text.ToString();
        }
    }

    /// <summary>Hands out <paramref name="chunk"/> bytes a read until <paramref name="failAt"/>, then fails as a dropped connection does.</summary>
    private sealed class FailingStream(byte[] data, int chunk, int failAt) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var left = failAt - (int)Position;
            if (left <= 0) throw new IOException("The connection was reset.");
            return await base.ReadAsync(buffer[..Math.Min(Math.Min(chunk, left), buffer.Length)], ct);
        }
    }
}
