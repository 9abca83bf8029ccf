namespace S3ZipExport.Upload;

/// <summary>
/// The size of each multipart part. S3 allows at most 10,000 parts of 5 MiB to 5 GiB, and an export's length is
/// unknown up front, so parts start at <see cref="BaseBytes"/> and double every <see cref="PartsPerStep"/> parts, up
/// to <see cref="LargestBytes"/>: everyday exports keep small buffers, and long ones still fit in 10,000 parts
/// (<see cref="Capacity"/>, which the start log line states). Memory grows with the part size only for exports that
/// reach it: (concurrency + 1) × the current part size, at most (concurrency + 1) × <see cref="LargestBytes"/>, which
/// the memory budget caps (Export/MemoryBudget).
/// </summary>
internal readonly record struct PartSizeSchedule(long BaseBytes, long LargestBytes)
{
    public const long MiB = 1024 * 1024;
    public const int MaxParts = 10_000;
    public const int PartsPerStep = 1_000;
    public const long MinPartBytes = 5 * MiB;
    /// <summary>S3 allows 5 GiB; 1 GiB keeps a Lambda's (concurrency + 1) buffers within its 10 GB at the least.</summary>
    public const long MaxPartBytes = 1024 * MiB;

    public long SizeOf(int partNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, MaxParts);
        var doublings = (partNumber - 1) / PartsPerStep;
        return Math.Max(BaseBytes, Math.Min(BaseBytes << doublings, LargestBytes));
    }

    /// <summary>The most bytes 10,000 parts of this schedule hold: the largest object it can upload.</summary>
    public long Capacity
    {
        get
        {
            long total = 0;
            for (var step = 0; step < MaxParts / PartsPerStep; step++)
                total += PartsPerStep * SizeOf(step * PartsPerStep + 1);
            return total;
        }
    }
}
