namespace S3ZipExport.Benchmarks;

/// <summary>
/// Samples this process while a stage runs: the GC heap's size (the largest of every sample, since a GC can free
/// a peak between two samples the heap size after each GC is taken too) and CPU time. Peak RSS is the kernel's
/// own high-water mark (VmHWM), which needs no sampling.
/// </summary>
internal sealed class ResourceSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeSpan _cpuAtStart = Environment.CpuUsage.TotalTime;
    private long _peakHeapBytes;

    public ResourceSampler()
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token)) Sample();
            }
            catch (OperationCanceledException) { }
        });
    }

    public double PeakGcHeapMB => Interlocked.Read(ref _peakHeapBytes) / 1e6;
    /// <summary>Heap size after the latest blocking gen2 GC (live objects plus fragmentation), in MB; 0 if none ran.</summary>
    public static double HeapAfterLastFullGcMB => GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes / 1e6;

    /// <summary>Collections per generation so far, e.g. "g0=120 g1=30 g2=4".</summary>
    public static string Collections => $"g0={GC.CollectionCount(0)} g1={GC.CollectionCount(1)} g2={GC.CollectionCount(2)}";

    public double CpuSeconds => (Environment.CpuUsage.TotalTime - _cpuAtStart).TotalSeconds;

    private void Sample()
    {
        var heap = Math.Max(GC.GetTotalMemory(forceFullCollection: false), GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes);
        if (heap > _peakHeapBytes) Interlocked.Exchange(ref _peakHeapBytes, heap);
    }

    /// <summary>VmHWM from /proc/self/status: the most resident memory this process has had, in MB.</summary>
    public static double PeakRssMB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024 / 1e6;
    }

    private int _disposed;

    /// <summary>Takes a last sample and stops; safe to call twice (explicitly, then by <c>await using</c>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Sample();
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
