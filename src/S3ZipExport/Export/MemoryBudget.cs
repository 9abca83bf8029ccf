using S3ZipExport.Archive;
using S3ZipExport.Contract;
using S3ZipExport.Records;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// The one memory model of an export. Every buffer is owned by a stage, which states its own worst case from its own
/// constants; this adds them up, the way PipeOptions derives its thresholds, and every comment, log field and README
/// line points here instead of restating a figure:
/// <list type="bullet">
/// <item>part buffers: (concurrency + 1) × the part size (<see cref="PartSizeSchedule"/>), the first part size at the
/// start and at most <see cref="MaxPartBytes"/> when parts have grown;</item>
/// <item>compression: <see cref="EntryDeflater.WorstCaseBytes"/> for the thread count;</item>
/// <item>CSV pipes: <see cref="CsvFiles.WorstCaseBytes"/>, and with parse threads their batches
/// (<see cref="ParallelCsvSink.WorstCaseBytes"/>);</item>
/// <item>one record: the read window (<see cref="ReadWindow.InitialBytes"/>, grown only while one record does not
/// fit) and the extractor's scratch buffer, each at most <see cref="MaxRecordBytes"/>.</item>
/// </list>
/// They must fit in half the function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE): the .NET runtime, the AWS SDK and
/// the GC's headroom need the rest. Whatever the steady buffers leave is shared out: a quarter to one record (its
/// window and scratch, at most 64 MiB each), the rest to the part buffers, which caps how large parts may grow.
/// Without a known memory size (local runs) the caps are the largest: 64 MiB records and 1 GiB parts.
/// </summary>
internal sealed record MemoryBudget
{
    private const long MiB = 1024 * 1024;
    /// <summary>The smallest record allowance that still makes sense: four times the initial read window.</summary>
    private const long LeastRecordBytes = 4L * ReadWindow.InitialBytes;

    public required int Concurrency { get; init; }
    public required long FirstPartBytes { get; init; }
    public required long MaxPartBytes { get; init; }
    public required long CompressionBytes { get; init; }
    public required long PipeBytes { get; init; }
    public required int MaxRecordBytes { get; init; }
    /// <summary>Half the function's memory, or null when its memory size is not known.</summary>
    public long? LimitBytes { get; init; }

    /// <summary>The buffers as an export starts: first-size parts, and a record that fits the initial read window.</summary>
    public long StartBytes => (Concurrency + 1) * FirstPartBytes + CompressionBytes + PipeBytes + ReadWindow.InitialBytes + RecordFieldExtractor.InitialScratchBytes;

    /// <summary>The most the buffers can hold at once: the largest parts and the largest record together.</summary>
    public long WorstCaseBytes => (Concurrency + 1) * MaxPartBytes + CompressionBytes + PipeBytes + 2L * MaxRecordBytes;

    /// <summary>Works out the budget and the caps it implies; adds an error naming the settings to change when even the start does not fit.</summary>
    public static MemoryBudget Plan(long firstPartBytes, int concurrency, int threads, int parseThreads, int? memoryMB, List<string> errors)
    {
        var compression = EntryDeflater.WorstCaseBytes(threads);
        var pipes = CsvFiles.WorstCaseBytes + ParallelCsvSink.WorstCaseBytes(parseThreads);
        var parts = (concurrency + 1) * firstPartBytes;
        long? limit = memoryMB is > 0 ? memoryMB * MiB / 2 : null;
        var maxRecord = (long)ReadWindow.DefaultMaxRecordBytes;
        var maxPart = PartSizeSchedule.MaxPartBytes;
        if (limit is { } l)
        {
            var left = l - parts - compression - pipes;
            if (left < 2 * LeastRecordBytes)
            {
                errors.Add($"{SettingNames.PartSizeMiB}/{SettingNames.UploadConcurrency}: the buffers need {(parts + compression + pipes + 2 * LeastRecordBytes) / (double)MiB:F0} MiB " +
                           $"({firstPartBytes / MiB} MiB parts × ({concurrency} in flight + 1), compression on {threads} threads, CSV pipes{(parseThreads > 1 ? $" and {parseThreads} parse threads' batches" : "")} and one record), more than half of the function's {memoryMB} MB. " +
                           $"Lower {SettingNames.UploadConcurrency} or {SettingNames.PartSizeMiB} (minimum 5), or {SettingNames.CompressionThreads}{(parseThreads > 1 ? $" or {SettingNames.ParseThreads}" : "")}, or raise the function's memory.");
                left = 2 * LeastRecordBytes;
            }
            maxRecord = Math.Clamp(left / 4 / 2, LeastRecordBytes, ReadWindow.DefaultMaxRecordBytes);
            maxPart = Math.Clamp((left - 2 * maxRecord) / (concurrency + 1) / MiB * MiB, firstPartBytes, PartSizeSchedule.MaxPartBytes);
        }
        return new MemoryBudget
        {
            Concurrency = concurrency,
            FirstPartBytes = firstPartBytes,
            MaxPartBytes = maxPart,
            CompressionBytes = compression,
            PipeBytes = pipes,
            MaxRecordBytes = (int)maxRecord,
            LimitBytes = limit,
        };
    }
}
