namespace S3ZipExport.Archive;

/// <summary>
/// The MS-DOS date and time pair of the ZIP local and central headers (APPNOTE 4.4.6).
/// </summary>
/// <remarks>
/// DOS time has no zone; we store UTC because a Lambda has no meaningful local zone and every export is then
/// stamped the same way. DOS time counts from 1980 to 2107 in 2-second steps, so values outside are clamped
/// rather than wrapped (a wrapped year would show a nonsense date in every unzip tool).
/// </remarks>
internal readonly record struct DosDateTime(ushort Time, ushort Date)
{
    private static readonly DosDateTime Earliest = new(0, (1 << 5) | 1); // 1980-01-01 00:00:00
    private static readonly DosDateTime Latest = new((23 << 11) | (59 << 5) | 29, (127 << 9) | (12 << 5) | 31);

    public static DosDateTime FromUtc(DateTimeOffset modified)
    {
        var t = modified.UtcDateTime;
        if (t.Year < 1980) return Earliest;
        if (t.Year > 2107) return Latest;
        return new DosDateTime(
            (ushort)((t.Hour << 11) | (t.Minute << 5) | (t.Second / 2)),
            (ushort)(((t.Year - 1980) << 9) | (t.Month << 5) | t.Day));
    }
}
