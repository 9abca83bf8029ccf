namespace S3ZipExport.Records;

/// <summary>
/// Where an export stopped reading at a cut, for the next invocation to read on from: which URL, and in it the next
/// page (offset paging) or the next record's byte offset with the validator to continue the document with (Range
/// and If-Range), and for JSON Lines the next line's number. Saved with the export's state.
/// </summary>
internal sealed record SourceCursor
{
    /// <summary>The URL being read: its index in EXPORT_SOURCE_URL's list.</summary>
    public int Url { get; init; }

    /// <summary>The URL has not been started yet: the cut fell between two URLs.</summary>
    public bool AtStart { get; init; }

    /// <summary>Offset paging: the first-record index of the next page.</summary>
    public long PageStart { get; init; }

    /// <summary>Offset paging: the total the last page gave, if any.</summary>
    public long? Total { get; init; }

    /// <summary>Records read from this URL so far, over all its pages and invocations.</summary>
    public long RecordsInUrl { get; init; }

    /// <summary>A document read whole: where its next record (or JSON Lines line) starts.</summary>
    public long Offset { get; init; }

    /// <summary>A document read whole: the strong ETag or Last-Modified it is continued with.</summary>
    public string? Validator { get; init; }

    /// <summary>JSON Lines: the number of the line at <see cref="Offset"/>.</summary>
    public long Line { get; init; } = 1;
}
