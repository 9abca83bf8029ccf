using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Amazon.S3.Model;
using S3ZipExport.Contract;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The whole export, as the Lambda runtime would call it (Function.HandleAsync), in a child process with Lambda's GC
/// settings and CPU share (<see cref="ExportChildProcess"/>, <see cref="CpuQuotaGroup"/>), against the demo source in
/// its own process (by default sending a document saved in /dev/shm) and s3rver (node) with its data in /dev/shm;
/// so CPU time and memory are the exporter's. Afterwards this process reads the object back, verifies it, and (when
/// asked) pushes its CSV through the single-thread deflate floor.
/// </summary>
internal static class ExportBenchmark
{
    public const string Bucket = "bench";
    public const string AccessKey = "S3RVER";
    public const string Region = "us-east-1";

    // The long HTML description makes the CSV most of the input, as in the issue (1 GB of JSON, 854 MB of CSV).
    public const string Columns = "id,title,catch,description,url,started_at,ended_at,Group=group.title,address,place,accepted,limit";

    /// <summary>One export run, printed as one line of figures.</summary>
    public static async Task<string> RunAsync(BenchOptions options, CancellationToken ct)
    {
        await using var rig = await ExportRig.StartAsync(options, ct);
        var spec = new ExportSpec(options.LambdaMemoryMB, options.CpuQuota, options.Level, options.Threads, options.ProcessorCount);
        var run = await rig.RunAsync(spec, withFloor: true, ct);
        if (!run.QuotaApplied) await Console.Error.WriteLineAsync($"NOTE: {run.CpuLabel}");
        return run.Line(options);
    }
}

/// <summary>
/// What one export is run with: Lambda's memory size (GC limit and, with <see cref="CpuQuota"/>, its CPU share), the
/// level, compression threads (null: the function's default) and processors seen (null: what the runtime finds).
/// </summary>
internal sealed record ExportSpec(int MemoryMB, bool CpuQuota, CompressionLevel Level, int? Threads, int? ProcessorCount)
{
    public string LevelName => BenchOptions.Name(Level);
}

/// <summary>The demo source and s3rver, started once for any number of exports; each export's object is deleted once checked.</summary>
internal sealed class ExportRig : IAsyncDisposable
{
    private readonly S3rverProcess _s3;
    private readonly DemoSourceProcess _source;
    private readonly BenchOptions _options;
    private int _runs;

    private ExportRig(S3rverProcess s3, DemoSourceProcess source, BenchOptions options)
    {
        _s3 = s3;
        _source = source;
        _options = options;
    }

    public static async Task<ExportRig> StartAsync(BenchOptions options, CancellationToken ct)
    {
        var s3 = await S3rverProcess.StartAsync(ExportBenchmark.Bucket, ct);
        try
        {
            return new ExportRig(s3, await DemoSourceProcess.StartAsync(options, ct), options);
        }
        catch
        {
            await s3.DisposeAsync();
            throw;
        }
    }

    public DemoSourceProcess Source => _source;

    /// <summary>Where a sliced export keeps its state (EXPORT_STATE_PREFIX); empty again once it is done.</summary>
    public const string StatePrefix = "bench-state/";

    /// <param name="sliceSeconds">
    /// Run the export in several invocations, cut every so many seconds (EXPORT_SLICE_SECONDS), as the state machine
    /// runs it; null: in one, as a direct invocation.
    /// </param>
    public async Task<ExportRun> RunAsync(ExportSpec spec, bool withFloor, CancellationToken ct, double? sliceSeconds = null)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"bench/export-{_options.SizeMB}mb-{++_runs}.zip");
        var environment = new Dictionary<string, string?>
        {
            ["EXPORT_SOURCE_URL"] = _source.EventsUrl(_options.SizeMB).ToString(),
            ["EXPORT_ALLOW_HTTP"] = "true",
            ["EXPORT_BUCKET"] = ExportBenchmark.Bucket,
            ["EXPORT_KEY"] = key,
            ["EXPORT_COLUMNS"] = ExportBenchmark.Columns,
            ["EXPORT_PART_SIZE_MIB"] = _options.PartMiB.ToString(CultureInfo.InvariantCulture),
            ["EXPORT_UPLOAD_CONCURRENCY"] = _options.Concurrency.ToString(CultureInfo.InvariantCulture),
            ["EXPORT_COMPRESSION_LEVEL"] = spec.LevelName,
            ["EXPORT_PROGRESS_SECONDS"] = "0",
            ["AWS_ENDPOINT_URL_S3"] = _s3.Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = ExportBenchmark.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = ExportBenchmark.AccessKey,
            ["AWS_REGION"] = ExportBenchmark.Region,
        };
        if (spec.Threads is { } threads) environment["EXPORT_COMPRESSION_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        if (_options.ParseThreads is { } parseThreads) environment[SettingNames.ParseThreads] = parseThreads.ToString(CultureInfo.InvariantCulture);
        if (sliceSeconds is { } slice)
        {
            environment[SettingNames.SliceSeconds] = slice.ToString(CultureInfo.InvariantCulture);
            environment[SettingNames.StatePrefix] = StatePrefix;
            // The runaway guard at its most: the benchmark asks for as many cuts as it asks for.
            environment[SettingNames.MaxInvocations] = "10000";
        }

        var share = LambdaModel.Share(spec.MemoryMB);
        string problem = "--cpu-quota off";
        using var quota = spec.CpuQuota ? CpuQuotaGroup.TryCreate(share, out problem) : null;
        var loadBefore = MachineInfo.LoadAverage();
        var total = Stopwatch.StartNew();
        var child = await ExportChildProcess.RunAsync(environment, spec.MemoryMB, quota, spec.ProcessorCount, sliced: sliceSeconds is not null, ct);
        var loadAfter = MachineInfo.LoadAverage();
        var throttling = quota?.Throttling() ?? "";

        var summary = child.Summary;
        using var floor = withFloor ? new DeflateFloor(spec.Level) : null;
        var check = await ObjectReadBack.RunAsync(_s3.Endpoint, ExportBenchmark.Bucket, key, summary, block => floor?.Write(block), ct);
        await DeleteAsync(key, ct);
        return new ExportRun(spec, child, quota is null ? null : share, quota is null ? problem : "", throttling, check, floor?.Finish(), loadBefore, loadAfter,
            total.Elapsed.TotalSeconds)
        {
            StateObjectsLeft = sliceSeconds is null ? 0 : await CountStateObjectsAsync(ct),
        };
    }

    /// <summary>Objects under <see cref="StatePrefix"/>: a finished export deletes its state and tail.</summary>
    private async Task<int> CountStateObjectsAsync(CancellationToken ct)
    {
        using var s3 = ObjectReadBack.Client(_s3.Endpoint);
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = ExportBenchmark.Bucket, Prefix = StatePrefix }, ct);
        return listed.S3Objects?.Count ?? 0;
    }

    /// <summary>Deletes an export's object, so a sweep's objects do not pile up in s3rver's /dev/shm folder.</summary>
    private async Task DeleteAsync(string key, CancellationToken ct)
    {
        using var s3 = ObjectReadBack.Client(_s3.Endpoint);
        await s3.DeleteObjectAsync(ExportBenchmark.Bucket, key, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _s3.DisposeAsync();
    }
}

/// <summary>
/// One export's figures and what follows from them: CSV MB/s, CPU-seconds per GB of JSON and of CSV, the share of the
/// given CPU used, and (only where the CPU quota applied, so the run stands for that memory size) the GB of CSV one
/// 15-minute run exports at that speed and the duration cost per GB of CSV. TotalSeconds: the child's start to the
/// object checked and deleted.
/// </summary>
internal sealed record ExportRun(ExportSpec Spec, ExportFigures Child, double? Share, string QuotaProblem, string Throttling,
    ObjectReadBack.Result Check, double? FloorMBps, string LoadBefore, string LoadAfter, double TotalSeconds)
{
    /// <summary>State and tail objects a sliced export left behind (0 for a single run).</summary>
    public int StateObjectsLeft { get; init; }

    public bool QuotaApplied => Share is not null;
    public double InputMB => Child.Summary.SourceBytes / 1e6;
    public double CsvMB => Child.Summary.CsvBytes / 1e6;
    public double CsvMBps => CsvMB / Child.WallSeconds;
    public double CpuSecondsPerGBJson => Child.CpuSeconds / (InputMB / 1000);
    public double CpuSecondsPerGBCsv => Child.CpuSeconds / (CsvMB / 1000);

    /// <summary>CPU s ÷ (wall s × share); unconstrained, the share is the machine's cores.</summary>
    public double QuotaUse => Child.CpuSeconds / (Child.WallSeconds * (Share ?? Environment.ProcessorCount));

    /// <summary>GB of CSV in 900 s at this run's speed; null when the run does not stand for a memory size.</summary>
    public double? GBPer15Minutes => QuotaApplied ? CsvMBps * LambdaModel.MaxRunSeconds / 1000 : null;

    /// <summary>Duration cost per GB of CSV: memory GB × seconds per GB × the arm64 price; null when unconstrained.</summary>
    public double? CostPerGBCsv => QuotaApplied ? LambdaModel.Cost(Spec.MemoryMB, Child.WallSeconds / (CsvMB / 1000)) : null;

    /// <summary>How the CPU was limited, for the line: the quota, or clearly that there was none.</summary>
    public string CpuLabel => QuotaApplied
        ? string.Create(CultureInfo.InvariantCulture,
            $"cgroup v1 quota {Share:F3} vCPU ({CpuQuotaGroup.QuotaFor(Share!.Value)}/{CpuQuotaGroup.PeriodMicroseconds} us), {Throttling}")
        : $"unconstrained: CPU quota NOT applied ({QuotaProblem}); figures are not those of a {LambdaModel.Format(Spec.MemoryMB)} MB function";

    /// <summary>The single run's line.</summary>
    public string Line(BenchOptions options)
    {
        var c = Child;
        var line = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"export input_mb={InputMB:F1} csv_mb={CsvMB:F1} zip_mb={c.Summary.ZipBytes / 1e6:F1} ")
            .Append(CultureInfo.InvariantCulture, $"records={c.Summary.Records} wall_s={c.WallSeconds:F2} allocated_mb={c.AllocatedMB:F1} cpu_s={c.CpuSeconds:F2} csv_mb_s={CsvMBps:F1} ")
            .Append(CultureInfo.InvariantCulture, $"cpu_s_per_gb_json={CpuSecondsPerGBJson:F2} cpu_s_per_gb_csv={CpuSecondsPerGBCsv:F2} ")
            .Append(CultureInfo.InvariantCulture, $"{(QuotaApplied ? "quota_use" : "core_use")}={QuotaUse:F2} ")
            .Append(CultureInfo.InvariantCulture, $"gb_csv_per_15min={(GBPer15Minutes is { } gb ? gb.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} ")
            .Append(CultureInfo.InvariantCulture, $"usd_per_gb_csv={(CostPerGBCsv is { } usd ? usd.ToString("F5", CultureInfo.InvariantCulture) : "n/a")} ")
            .Append(CultureInfo.InvariantCulture, $"peak_rss_mb={c.PeakRssMB:F1} peak_gc_heap_mb={c.PeakGcHeapMB:F1} parts={c.Summary.Parts} gcs=\"{c.Collections}\" ")
            .Append(CultureInfo.InvariantCulture, $"full_gc_heap_mb={c.FullGcHeapMB:F1} live_after_mb={c.LiveAfterMB:F1} gc_limit_mb={c.GcLimitMB:F0} ");
        if (FloorMBps is { } floor) line.Append(CultureInfo.InvariantCulture, $"floor_mb_s={floor:F1} ratio={CsvMBps / floor:F2} ");
        line.Append(CultureInfo.InvariantCulture, $"| lambda_memory_mb={(QuotaApplied ? Spec.MemoryMB.ToString(CultureInfo.InvariantCulture) : "unconstrained")} cpu=\"{CpuLabel}\" ")
            .Append(CultureInfo.InvariantCulture, $"level={Spec.LevelName} threads={Threads} processors_seen={c.ProcessorCount}{(Spec.ProcessorCount is null ? "" : " (DOTNET_PROCESSOR_COUNT)")} ")
            .Append(CultureInfo.InvariantCulture, $"part_mib={options.PartMiB} concurrency={options.Concurrency} source={options.SourceName} gc=\"{ExportChildProcess.Describe(Spec.MemoryMB)}\" | ")
            .Append(CultureInfo.InvariantCulture, $"cores={Environment.ProcessorCount} load_before=\"{LoadBefore}\" load_after=\"{LoadAfter}\" | ")
            .Append(Check.Ok ? "verify=ok (object CRC/size, entries CRC/length)" : $"verify=FAILED: {Check.Problems}");
        return line.ToString();
    }

    /// <summary>"2", or "default→2" when the function chose.</summary>
    public string Threads => Spec.Threads is { } t ? t.ToString(CultureInfo.InvariantCulture) : $"default→{Child.CompressionThreads}";
}
