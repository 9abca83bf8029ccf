using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using S3ZipExport.Csv;
using S3ZipExport.Records;

namespace S3ZipExport.Export;

/// <summary>
/// The parse-and-CSV stage on several threads (EXPORT_PARSE_THREADS above 1). The reader only finds where each record
/// ends and hands its bytes over; they are gathered into batches of about <see cref="BatchBytes"/>, each batch is made
/// into rows by one of the parse threads (<see cref="RecordRowMaker"/>), and the batches' rows go into the CSV file in
/// the order the records came, with EXPORT_ON_BAD_RECORD decided for each record that became no row in its turn. So
/// the CSV, the counts and the first failure are those of the one-thread stage, byte for byte; only the work is spread.
/// <para>Why: on one core the stage makes about 400 MB/s of JSON into CSV (bench/results, parse), the ceiling of a
/// function whose compression is cheap (fastest, none) and whose share is 4 vCPUs or more; finding records alone runs
/// at about 1,000 MB/s, so with the rest spread over threads that is the ceiling. It costs CPU (every record is
/// scanned twice), which is why the default is one thread below that share.</para>
/// <para>Memory (<see cref="WorstCaseBytes"/>): at most 2 × threads batches are made or waiting at once (the reader
/// waits for the oldest beyond that: backpressure), plus the one being filled; each holds its records and their rows
/// (a batch is sent once its <see cref="RecordBatch.Weight"/> reaches BatchBytes, or between reads of the source when
/// the parse threads are idle; a record over <see cref="LargestRecordBytes"/> is read on the reader's thread instead).</para>
/// </summary>
internal sealed class ParallelCsvSink : IRecordBytesSink, IDisposable
{
    public const int BatchBytes = 128 * 1024;
    public const int LargestRecordBytes = 256 * 1024;

    private readonly CsvFileSink _sink;
    private readonly BadRecords _badRecords;
    private readonly BlockingCollection<RecordBatch> _toMake = new();
    private readonly Queue<RecordBatch> _inOrder = new();
    private readonly Stack<RecordBatch> _spare = new();
    private readonly Thread[] _threads;
    private readonly int _maxInFlight;
    private readonly int _batchBytes;
    private readonly int _perRecordBytes;
    private RecordBatch _filling;
    private bool _failed;

    /// <param name="batchBytes">Tests make batches of a record or two, to cross batch boundaries everywhere.</param>
    /// <param name="largestRecordBytes">Tests lower it, to mix records read on the reader's thread in.</param>
    public ParallelCsvSink(CsvFileSink sink, BadRecords badRecords, IReadOnlyList<ColumnSpec> columns, CsvFormat format, int threads,
        int batchBytes = BatchBytes, int largestRecordBytes = LargestRecordBytes)
    {
        _sink = sink;
        _badRecords = badRecords;
        _batchBytes = batchBytes;
        _perRecordBytes = RecordBatch.PerRecordBytes(columns.Count);
        _filling = new RecordBatch(_perRecordBytes);
        MaxRecordBytes = largestRecordBytes;
        _maxInFlight = 2 * threads;
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            var maker = new RecordRowMaker(columns, format);
            _threads[i] = new Thread(() => MakeRows(maker)) { IsBackground = true, Name = $"parse {i + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>
    /// The batches in flight (2 × threads, and the one being filled), each weighing at most BatchBytes plus its last
    /// record: its records and lists (that weight), its rows (at most twice that, formatters that lengthen a value and
    /// columns repeating a path aside), and those rows again in the CSV pipe, where a drain copies them without a
    /// flush between batches; and each thread's extractor scratch.
    /// </summary>
    public static long WorstCaseBytes(int threads) =>
        threads <= 1 ? 0 : (2L * threads + 1) * 5L * (BatchBytes + LargestRecordBytes) + threads * (RecordFieldExtractor.InitialScratchBytes + (long)LargestRecordBytes);

    public int MaxRecordBytes { get; }

    public void OnRecordBytes(ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        _filling.Add(record, index, byteOffset);
        if (_filling.Weight >= _batchBytes) Send();
    }

    /// <summary>A record the reader read itself: it drained everything handed over before (see <see cref="IRecordBytesSink"/>).</summary>
    public void OnRecord(in RecordFields record) => _sink.OnRecord(record);

    public void Drain()
    {
        if (_failed) return;   // the failure is on its way up; nothing after it is written
        if (!_filling.IsEmpty) Send();
        while (_inOrder.Count > 0) WriteOldest();
    }

    /// <summary>
    /// Between reads of the source: writes the batches already made (without waiting for the others); then, when the
    /// parse threads have nothing left to do, sends what was handed over since the last batch, so a slow source's
    /// records are made (and a bad one fails the export, at the next read) without waiting for a full batch. Sending
    /// partial batches while the threads are busy would only make them small: a fast source's reads are small too.
    /// Then flushes to the compressor.
    /// </summary>
    public async ValueTask FlushAsync(CancellationToken ct)
    {
        while (!_failed && _inOrder.TryPeek(out var oldest) && oldest.Made.IsSet) WriteOldest();
        if (!_failed && !_filling.IsEmpty && _inOrder.Count == 0) Send();
        await _sink.FlushAsync(ct);
    }

    private void Send()
    {
        if (_inOrder.Count == _maxInFlight) WriteOldest();
        _inOrder.Enqueue(_filling);
        _toMake.Add(_filling);
        _filling = _spare.TryPop(out var spare) ? spare : new RecordBatch(_perRecordBytes);
    }

    private void WriteOldest()
    {
        var batch = _inOrder.Dequeue();
        batch.Made.Wait();
        try
        {
            Write(batch);
        }
        catch
        {
            _failed = true;
            throw;
        }
        finally
        {
            batch.Reset();
            _spare.Push(batch);
        }
    }

    /// <summary>
    /// The batch's rows into the file, each record that became no row decided in its turn, with the characters the
    /// rows could not encode counted as they go (a failure leaves the counts where the reader's thread leaves them).
    /// </summary>
    private void Write(RecordBatch batch)
    {
        var rows = batch.Rows.WrittenSpan;
        var ends = batch.RowEnds;
        var written = 0;
        var counted = 0L;
        foreach (var (rowsBefore, problem, unencodableBefore) in batch.Problems)
        {
            WriteRows(rows, ends, written, rowsBefore);
            written = rowsBefore;
            _sink.CountUnencodable(unencodableBefore - counted);
            counted = unencodableBefore;
            if (problem is BadRecordException bad)
            {
                _badRecords.Handle(bad);
                continue;
            }
            var partial = rows[(written == 0 ? 0 : ends[written - 1])..];
            if (!partial.IsEmpty) _sink.OnPartialRow(partial);
            ExceptionDispatchInfo.Throw(problem);
        }
        WriteRows(rows, ends, written, ends.Length);
        _sink.CountUnencodable(batch.Unencodable - counted);
    }

    private void WriteRows(ReadOnlySpan<byte> rows, ReadOnlySpan<int> ends, int from, int to)
    {
        if (to > from) _sink.OnRows(rows, from == 0 ? 0 : ends[from - 1], ends[from..to]);
    }

    private void MakeRows(RecordRowMaker maker)
    {
        foreach (var batch in _toMake.GetConsumingEnumerable())
        {
            try
            {
                maker.Make(batch);
            }
            catch (Exception e)
            {
                batch.NoRow(e, 0);   // Make catches a record's failure; this is anything else, failing the export all the same
            }
            finally
            {
                batch.Made.Set();
            }
        }
    }

    public void Dispose()
    {
        _toMake.CompleteAdding();
        foreach (var thread in _threads) thread.Join();
        _toMake.Dispose();
    }
}
