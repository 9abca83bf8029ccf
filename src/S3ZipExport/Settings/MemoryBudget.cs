namespace S3ZipExport.Settings;

/// <summary>
/// The export's buffers are fixed by its settings, so whether they fit the function's memory is known before any
/// byte moves. They must fit in half of it: the runtime, the SDK and the GC need the rest.
///   part buffers            part size × (upload concurrency + 1)
///   compression             ≈ 2.5 MiB × compression threads (1 MiB chunks in and out, two per thread)
///   CSV pipe + read buffer  ≈ 5 MiB
/// Parts grow after 1,000 parts (8 GiB of ZIP at the default 8 MiB); see PartSizeSchedule.
/// </summary>
internal static class MemoryBudget
{
    private const double CompressionMiBPerThread = 2.5, PipesMiB = 5;

    public static double BuffersMiB(int partSizeMiB, int concurrency, int threads) =>
        partSizeMiB * (concurrency + 1.0) + CompressionMiBPerThread * threads + PipesMiB;

    public static void Check(int partSizeMiB, int concurrency, int threads, string? lambdaMemoryMB, List<string> errors)
    {
        if (!int.TryParse(lambdaMemoryMB, out var memoryMB) || memoryMB <= 0) return;
        var needed = BuffersMiB(partSizeMiB, concurrency, threads);
        if (needed <= memoryMB / 2.0) return;
        errors.Add($"{SettingNames.PartSizeMiB}/{SettingNames.UploadConcurrency}: the buffers need {needed:F0} MiB " +
                   $"({partSizeMiB} MiB parts × ({concurrency} in flight + 1) + compression and pipes), more than half of the function's {memoryMB} MB. " +
                   $"Lower {SettingNames.UploadConcurrency} or {SettingNames.PartSizeMiB} (minimum 5), or {SettingNames.CompressionThreads}, or raise the function's memory.");
    }
}
