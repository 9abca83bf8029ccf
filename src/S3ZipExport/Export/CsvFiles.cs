using System.IO.Pipelines;
using System.Threading.Channels;
using S3ZipExport.Pipeline;

namespace S3ZipExport.Export;

/// <summary>
/// The CSV files of one export, in order: each is a pipe from the CSV writer to the compressor, which writes one
/// archive entry per file. One file unless the CSV is split (EXPORT_MAX_ROWS_PER_FILE, EXPORT_ENTRY_PER_SOURCE);
/// then files are numbered: events.csv → events-0001.csv, events-0002.csv, ...
/// Memory: each pipe pauses its writer at <see cref="PauseBytes"/>, and at most <see cref="MaxQueued"/> finished
/// files wait for the compressor, checked at every flush, so tiny files cannot pile up either. The pipes' blocks
/// come from one <see cref="PipeBlockPool"/> and are reused, so CSV passing through makes no garbage.
/// </summary>
internal sealed class CsvFiles(string entryName, bool numbered, int filesBefore = 0) : IDisposable
{
    public const int PauseBytes = 4 * 1024 * 1024;
    private const int MaxQueued = 2;

    /// <summary>
    /// The most the CSV pipes hold at once: the file being compressed, the one being written and the finished ones
    /// queued between them, each paused at <see cref="PauseBytes"/> (plus the block being written). What one parse pass
    /// writes before its flush comes on top; it is at most one read window of CSV, counted with the record.
    /// </summary>
    public const long WorstCaseBytes = (MaxQueued + 2L) * (PauseBytes + PipeBlockPool.BlockBytes);

    private readonly Channel<CsvFile> _ready = Channel.CreateUnbounded<CsvFile>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _taken = new(0);
    private readonly PipeBlockPool _blocks = new();
    private Pipe? _current;
    private CsvFile? _currentFile;
    private int _queued;

    /// <summary>Files started so far, by earlier invocations too: the current file's number.</summary>
    public int Count { get; private set; } = filesBefore;

    /// <summary>Pipe memory blocks allocated so far (64 KiB each): the most the pipes have held at once.</summary>
    public int BlocksAllocated => _blocks.BlocksAllocated;

    /// <summary>
    /// Finishes the current file (if any) and starts the next; returns where its CSV is written. With
    /// <paramref name="continuesOpenEntry"/>, the file is the one an earlier invocation's cut left open (same number
    /// and name): its CSV goes on in the same archive entry.
    /// </summary>
    public PipeWriter StartNext(bool continuesOpenEntry = false)
    {
        _current?.Writer.Complete();
        _current = new Pipe(new PipeOptions(_blocks, pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2,
            minimumSegmentSize: PipeBlockPool.BlockBytes, useSynchronizationContext: false));
        if (!continuesOpenEntry) Count++;
        Interlocked.Increment(ref _queued);
        _currentFile = new CsvFile(NameOf(Count), _current.Reader, continuesOpenEntry);
        _ready.Writer.TryWrite(_currentFile);
        return _current.Writer;
    }

    /// <summary>Waits while the compressor has more than <see cref="MaxQueued"/> files not yet started.</summary>
    public async ValueTask WaitForRoomAsync(CancellationToken ct)
    {
        while (Volatile.Read(ref _queued) > MaxQueued) await _taken.WaitAsync(ct);
    }

    /// <summary>
    /// Ends the last file; with an error, the compressor sees that error instead of the end of the CSV. At a cut the
    /// last file ends only for this invocation: its entry is left open for the next.
    /// </summary>
    public async ValueTask CompleteAsync(Exception? error = null, bool atCut = false)
    {
        if (atCut) _currentFile?.MarkEndsAtCut();
        if (_current is not null) await _current.Writer.CompleteAsync(error);
        _ready.Writer.TryComplete(error);
    }

    /// <summary>The files for the compressor, each as soon as it is started.</summary>
    public async IAsyncEnumerable<CsvFile> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var file in _ready.Reader.ReadAllAsync(ct))
        {
            Interlocked.Decrement(ref _queued);
            _taken.Release();
            yield return file;
        }
    }

    public void Dispose()
    {
        _taken.Dispose();
        _blocks.Dispose();
    }

    private string NameOf(int number)
    {
        if (!numbered) return entryName;
        var dot = entryName.LastIndexOf('.');
        return dot <= entryName.LastIndexOf('/')
            ? $"{entryName}-{number:D4}"
            : $"{entryName[..dot]}-{number:D4}{entryName[dot..]}";
    }
}
