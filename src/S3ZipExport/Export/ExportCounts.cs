namespace S3ZipExport.Export;

/// <summary>
/// What the summary counts: one invocation's (<see cref="StagesResult"/>), or an export's so far (<see cref="ExportState"/>),
/// and added up in one place when an invocation goes on from what the earlier ones saved.
/// </summary>
internal sealed record ExportCounts
{
    public long Records { get; init; }
    public long Rows { get; init; }
    public long SkippedRecords { get; init; }
    public long SourceBytes { get; init; }
    public long CsvBytes { get; init; }
    public long UnencodableCharacters { get; init; }

    /// <summary>These counts after <paramref name="earlier"/> ones (none: these alone).</summary>
    public ExportCounts After(ExportCounts? earlier) => earlier is null ? this : new()
    {
        Records = earlier.Records + Records,
        Rows = earlier.Rows + Rows,
        SkippedRecords = earlier.SkippedRecords + SkippedRecords,
        SourceBytes = earlier.SourceBytes + SourceBytes,
        CsvBytes = earlier.CsvBytes + CsvBytes,
        UnencodableCharacters = earlier.UnencodableCharacters + UnencodableCharacters,
    };
}
