using System.Diagnostics;

namespace S3ZipExport.Telemetry;

/// <summary>
/// Logs an "export progress" line every interval while the export runs (records, MB read, CSV MB, ZIP MB, parts,
/// CSV MB/s), so a long export in CloudWatch or a terminal is visibly alive and its speed is known.
/// </summary>
internal sealed class ProgressReporter : IAsyncDisposable
{
    private const double MB = 1_000_000;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProgressReporter(ExportProgress progress, TimeSpan interval)
    {
        var clock = Stopwatch.StartNew();
        _loop = interval <= TimeSpan.Zero ? Task.CompletedTask : Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                    JsonLog.Info("export progress", Fields(progress, clock.Elapsed));
            }
            catch (OperationCanceledException) { }
        });
    }

    public static Dictionary<string, object?> Fields(ExportProgress progress, TimeSpan elapsed)
    {
        var csv = progress.CsvBytes;
        return new Dictionary<string, object?>
        {
            ["records"] = progress.Records,
            ["sourceMB"] = Math.Round(progress.SourceBytes / MB, 1),
            ["csvMB"] = Math.Round(csv / MB, 1),
            ["zipMB"] = Math.Round(progress.ZipBytes / MB, 1),
            ["parts"] = progress.Parts,
            ["elapsedSeconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["csvMBps"] = elapsed.TotalSeconds > 0 ? Math.Round(csv / MB / elapsed.TotalSeconds, 1) : 0,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
