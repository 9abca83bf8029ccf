namespace S3ZipExport.Records;

/// <summary>Where the records are in a document, which values of each become columns, and what a bad record does.</summary>
internal sealed record RecordOptions
{
    /// <summary>EXPORT_COLUMNS when unset.</summary>
    public const string DefaultColumns = "title,started_at,ended_at";
    public const string DefaultRecordsPath = "events";
    public const OnBadRecord DefaultOnBadRecord = OnBadRecord.Fail;

    /// <summary>Property names leading to the records array; empty when the document itself is the array.</summary>
    public IReadOnlyList<string> RecordsPath { get; init; } = [DefaultRecordsPath];

    public required IReadOnlyList<ColumnSpec> Columns { get; init; }

    public OnBadRecord OnBadRecord { get; init; } = DefaultOnBadRecord;

    /// <summary>
    /// The largest record (or JSON Lines line) the reader holds whole; the read buffer grows to it only while one
    /// record does not fit. Set from the memory the function has (see Export/MemoryBudget).
    /// </summary>
    public int MaxRecordBytes { get; init; } = ReadWindow.DefaultMaxRecordBytes;

    /// <summary>Threads that make rows of the records (EXPORT_PARSE_THREADS): 1 makes them on the reader's thread.</summary>
    public int ParseThreads { get; init; } = 1;
}

/// <summary>What a record that is not an object, or whose value a column formatter cannot take, does to the export.</summary>
internal enum OnBadRecord { Fail, Skip }
