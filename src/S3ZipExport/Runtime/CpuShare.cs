namespace S3ZipExport.Runtime;

/// <summary>
/// The CPU Lambda gives a function: time in proportion to its memory, one vCPU-second per second at 1,769 MB, up to
/// six vCPUs at 10,240 MB (AWS Lambda developer guide, "Configuring function memory"). How many processors the
/// function sees is another matter (reports differ: 2 at any size, or 1 up to 1,769 MB), and either way the host
/// throttles CPU time to the share, so work is sized from the share, not from Environment.ProcessorCount.
/// </summary>
internal static class CpuShare
{
    public const int MemoryMBPerVcpu = 1769;
    public const double MaxVcpus = 6;

    public static double OfMemory(int memoryMB) => Math.Min(memoryMB / (double)MemoryMBPerVcpu, MaxVcpus);

    /// <summary>
    /// Deflate threads for a function of <paramref name="memoryMB"/>: the share rounded to the nearest whole vCPU, at
    /// least one. Below about 1.5 vCPUs a second compression thread only competes with the parse stage for the same
    /// share (measured: see bench/results). Without a memory size (a local run) every processor seen is used, up to
    /// <see cref="MaxCompressionThreads"/>, the most EXPORT_COMPRESSION_THREADS may say.
    /// </summary>
    public static int CompressionThreads(int? memoryMB) =>
        memoryMB is > 0 ? Math.Max(1, (int)Math.Floor(OfMemory(memoryMB.Value) + 0.5)) : Math.Min(Environment.ProcessorCount, MaxCompressionThreads);

    public const int MaxCompressionThreads = 64;
}
