namespace S3ZipExport.Archive;

/// <summary>The compressed container the CSV goes into: a ZIP (one or more entries) or a single gzip file.</summary>
internal interface IArchiveWriter
{
    /// <summary>Container bytes written so far (for progress).</summary>
    long BytesWritten { get; }

    /// <summary>
    /// Reads <paramref name="source"/> to its end and writes it as the next file of the container, or, with
    /// <paramref name="continuesOpenEntry"/>, as more data of the entry an earlier invocation left open. When
    /// <paramref name="endsAtCut"/> says so at the source's end, the entry is left open (<see cref="Suspend"/>).
    /// </summary>
    Task WriteEntryAsync(string name, DateTimeOffset modified, Stream source, bool continuesOpenEntry, Func<bool> endsAtCut, CancellationToken ct);

    /// <summary>Writes what closes the container; does not dispose the output.</summary>
    Task FinishAsync(CancellationToken ct);

    /// <summary>Where the writer stands after an entry was left open at a cut: what the next invocation resumes from.</summary>
    ArchiveState Suspend();
}
