using System.IO.Compression;

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

    /// <summary>
    /// Threads that make rows of the records for a function of <paramref name="memoryMB"/> compressing at
    /// <paramref name="level"/>: 1 (the reader's thread) unless compression is cheap (fastest, none) and the share is
    /// <see cref="ParseThreadsFromVcpus"/> vCPUs or more, then <see cref="ParallelParseThreads"/>. Measured here
    /// (bench/results: sweep, csv, parse): one parse thread makes about 275 MB/s of CSV over HTTP; a whole export
    /// needs about 24 CPU-s per GB of CSV at optimal, so even six vCPUs make about 240 MB/s and parsing never bounds
    /// it, while at fastest it needs about 12, so from about 3.3 vCPUs the share would outrun one parse thread. Parse
    /// threads scan every record twice (about 1 CPU-s per GB of JSON more), which pays off from 4 vCPUs. Three threads
    /// make rows as fast as one reader finds records (about 1 GB/s of JSON). Without a memory size (a local run): 1.
    /// </summary>
    public static int ParseThreads(int? memoryMB, CompressionLevel level) =>
        memoryMB is > 0 && level is CompressionLevel.Fastest or CompressionLevel.NoCompression
        && OfMemory(memoryMB.Value) >= ParseThreadsFromVcpus ? ParallelParseThreads : 1;

    public const double ParseThreadsFromVcpus = 4;
    public const int ParallelParseThreads = 3;
    public const int MaxParseThreads = 16;
}
