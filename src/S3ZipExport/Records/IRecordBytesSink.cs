namespace S3ZipExport.Records;

/// <summary>
/// A sink that extracts and writes records on threads of its own (EXPORT_PARSE_THREADS above 1): the reader only finds
/// where each object record ends and hands its bytes over, so finding records and making rows of them run at once.
/// What comes out is what <see cref="IRecordSink.OnRecord"/> would have made of the same records, in the same order,
/// with the same first failure. Records the reader takes itself (any that is not an object, too large, or that the
/// scan leaves to Utf8JsonReader) go through OnRecord after a <see cref="Drain"/>, so the order holds across both.
/// </summary>
internal interface IRecordBytesSink : IRecordSink
{
    /// <summary>The largest record handed over; a larger one is read on the reader's thread, after a drain.</summary>
    int MaxRecordBytes { get; }

    /// <summary>Takes one object record's bytes (copied), its zero-based index in the export and its byte offset in its source.</summary>
    void OnRecordBytes(ReadOnlySpan<byte> record, long index, long byteOffset);

    /// <summary>
    /// Waits until every record handed over is written, in order; throws the first failure among them in record
    /// order. The reader calls it before it takes a record or a bad-record decision itself, and at its end.
    /// </summary>
    void Drain();
}
