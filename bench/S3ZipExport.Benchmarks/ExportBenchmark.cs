using System.Globalization;
using System.Text;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The whole export, as the Lambda runtime would call it (Function.HandleAsync), in a child process with Lambda's GC
/// settings (<see cref="ExportChildProcess"/>), against the demo source in its own process (by default sending a
/// document saved in /dev/shm) and s3rver (node) with its data in /dev/shm; so CPU time and memory are the
/// exporter's. Afterwards this process reads the object back, verifies it, and pushes its CSV through the
/// single-thread deflate floor.
/// </summary>
internal static class ExportBenchmark
{
    public const string Bucket = "bench";
    public const string AccessKey = "S3RVER";
    public const string Region = "us-east-1";

    // The long HTML description makes the CSV most of the input, as in the issue (1 GB of JSON, 854 MB of CSV).
    public const string Columns = "id,title,catch,description,url,started_at,ended_at,Group=group.title,address,place,accepted,limit";

    public static async Task<string> RunAsync(BenchOptions options, CancellationToken ct)
    {
        await using var s3 = await S3rverProcess.StartAsync(Bucket, ct);
        await using var source = await DemoSourceProcess.StartAsync(options, ct);
        var key = $"bench/export-{options.SizeMB.ToString(CultureInfo.InvariantCulture)}mb.zip";
        var environment = new Dictionary<string, string?>
        {
            ["EXPORT_SOURCE_URL"] = source.EventsUrl(options.SizeMB).ToString(),
            ["EXPORT_ALLOW_HTTP"] = "true",
            ["EXPORT_BUCKET"] = Bucket,
            ["EXPORT_KEY"] = key,
            ["EXPORT_COLUMNS"] = Columns,
            ["EXPORT_PART_SIZE_MIB"] = options.PartMiB.ToString(CultureInfo.InvariantCulture),
            ["EXPORT_UPLOAD_CONCURRENCY"] = options.Concurrency.ToString(CultureInfo.InvariantCulture),
            ["EXPORT_COMPRESSION_LEVEL"] = options.LevelName,
            ["EXPORT_COMPRESSION_THREADS"] = options.Threads.ToString(CultureInfo.InvariantCulture),
            ["EXPORT_PROGRESS_SECONDS"] = "0",
            ["AWS_ENDPOINT_URL_S3"] = s3.Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = AccessKey,
            ["AWS_REGION"] = Region,
        };
        var loadBefore = MachineInfo.LoadAverage();
        var child = await ExportChildProcess.RunAsync(environment, options.LambdaMemoryMB, ct);
        var summary = child.Summary;
        var loadAfter = MachineInfo.LoadAverage();

        using var floor = new DeflateFloor(options.Level);
        var check = await ObjectReadBack.RunAsync(s3.Endpoint, Bucket, key, summary.ZipBytes, summary.CsvBytes, summary.Crc32, floor.Write, ct);
        var floorMBps = floor.Finish();
        var csvMBps = summary.CsvBytes / 1e6 / child.WallSeconds;

        var line = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"export input_mb={summary.SourceBytes / 1e6:F1} csv_mb={summary.CsvBytes / 1e6:F1} zip_mb={summary.ZipBytes / 1e6:F1} ")
            .Append(CultureInfo.InvariantCulture, $"records={summary.Records} wall_s={child.WallSeconds:F2} allocated_mb={child.AllocatedMB:F1} cpu_s={child.CpuSeconds:F2} csv_mb_s={csvMBps:F1} ")
            .Append(CultureInfo.InvariantCulture, $"peak_rss_mb={child.PeakRssMB:F1} peak_gc_heap_mb={child.PeakGcHeapMB:F1} parts={summary.Parts} gcs=\"{child.Collections}\" ")
            .Append(CultureInfo.InvariantCulture, $"full_gc_heap_mb={child.FullGcHeapMB:F1} live_after_mb={child.LiveAfterMB:F1} gc_limit_mb={child.GcLimitMB:F0} ")
            .Append(CultureInfo.InvariantCulture, $"floor_mb_s={floorMBps:F1} ratio={csvMBps / floorMBps:F2} | {options.Settings} | ")
            .Append(CultureInfo.InvariantCulture, $"cores={Environment.ProcessorCount} load_before=\"{loadBefore}\" load_after=\"{loadAfter}\" | ")
            .Append(check.Ok ? "verify=ok (object CRC/size, entry CRC/length)" : $"verify=FAILED: {check.Problems}");
        return line.ToString();
    }
}
