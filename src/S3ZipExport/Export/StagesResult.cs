using S3ZipExport.Archive;
using S3ZipExport.Records;
using S3ZipExport.Upload;

namespace S3ZipExport.Export;

/// <summary>
/// What one invocation's stages did: the object completed (<see cref="Etag"/>), or a cut (<see cref="Cursor"/> and
/// each stage's state, for the next invocation). Counters of records, rows and bytes read and written are this
/// invocation's; the archive and object figures are the whole object's so far.
/// </summary>
internal sealed record StagesResult
{
    public string? Etag { get; init; }
    public string? Checksum { get; init; }

    public SourceCursor? Cursor { get; init; }
    public ArchiveState? Archive { get; init; }
    public UploadState? Upload { get; init; }
    public ReadOnlyMemory<byte> Tail { get; init; }
    public DateTimeOffset? LastAnswered { get; init; }
    public int Files { get; init; }
    public long RowsInFile { get; init; }

    /// <summary>This invocation's records, rows and bytes (source bytes up to the cut).</summary>
    public required ExportCounts Counts { get; init; }
    /// <summary>Source bytes read past the cut, to be read again by the next invocation.</summary>
    public long SourceBytesReadAgain { get; init; }
    public long ZipBytes { get; init; }
    public int Parts { get; init; }

    public bool IsCut => Cursor is not null;
}
