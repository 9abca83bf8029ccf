namespace S3ZipExport.Archive;

/// <summary>The compressed container the CSV goes into: a ZIP (one or more entries) or a single gzip file.</summary>
internal interface IArchiveWriter
{
    /// <summary>Container bytes written so far (for progress).</summary>
    long BytesWritten { get; }

    /// <summary>Reads <paramref name="source"/> to its end and writes it as the next file of the container.</summary>
    Task WriteEntryAsync(string name, DateTimeOffset modified, Stream source, CancellationToken ct);

    /// <summary>Writes what closes the container; does not dispose the output.</summary>
    Task FinishAsync(CancellationToken ct);
}
