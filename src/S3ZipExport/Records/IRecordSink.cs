namespace S3ZipExport.Records;

/// <summary>Receives each record's complete JSON object as it is parsed; flushes when the reader has consumed a buffer.</summary>
internal interface IRecordSink
{
    /// <param name="record">The record's JSON text, valid only during the call.</param>
    /// <param name="index">Zero-based index of the record in the source.</param>
    /// <param name="byteOffset">Offset of the record's first byte in the source body.</param>
    void OnRecord(ReadOnlySpan<byte> record, long index, long byteOffset);

    /// <summary>
    /// The extractor whose values <see cref="OnRecord"/> writes, or null. When set, the reader runs it over each
    /// record as it reads it, so the record is parsed once rather than once to find its end and again for its
    /// values; OnRecord's <see cref="RecordFieldExtractor.Extract"/> then finds them ready.
    /// </summary>
    RecordFieldExtractor? Extractor => null;

    /// <summary>
    /// A record that cannot be a row (e.g. not an object): throws to fail the export, or returns to leave it out
    /// (the reader then goes on with the next record).
    /// </summary>
    void OnBadRecord(long index, long byteOffset, string problem) => throw new BadRecordException(problem, index);

    /// <summary>Hands what was written so far to the next stage; waits there when that stage is behind (backpressure).</summary>
    ValueTask FlushAsync(CancellationToken ct);
}
