namespace S3ZipExport.Upload;

/// <summary>
/// The size of each multipart part. S3 allows at most 10,000 parts of 5 MiB to 5 GiB, and the export's length is
/// unknown up front, so the part size doubles every 1,000 parts: with the default 8 MiB the first 8 GiB go in
/// 8 MiB parts (memory stays small for everyday exports), and 10,000 parts reach 8 TiB. Memory grows with the
/// part size only for exports that reach it: (concurrency + 1) × the current part size.
/// </summary>
internal static class PartSizeSchedule
{
    public const int MaxParts = 10_000;
    public const int PartsPerStep = 1_000;
    public const long MinPartBytes = 5L * 1024 * 1024;
    public const long MaxPartBytes = 1L * 1024 * 1024 * 1024;

    public static long SizeOf(int partNumber, long basePartBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, MaxParts);
        var doublings = (partNumber - 1) / PartsPerStep;
        return Math.Min(basePartBytes << doublings, MaxPartBytes);
    }

    /// <summary>The most bytes 10,000 parts can hold when the schedule starts at <paramref name="basePartBytes"/>.</summary>
    public static long Capacity(long basePartBytes)
    {
        long total = 0;
        for (var step = 0; step < MaxParts / PartsPerStep; step++)
            total += PartsPerStep * Math.Min(basePartBytes << step, MaxPartBytes);
        return total;
    }
}
