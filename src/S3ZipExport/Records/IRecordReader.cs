namespace S3ZipExport.Records;

/// <summary>Reads one source document (a JSON document or JSON Lines) and hands each record to a sink as it is parsed.</summary>
internal interface IRecordReader
{
    /// <summary>Records handed to the sink so far; read from another thread for progress.</summary>
    long RecordCount { get; }

    /// <summary>Body bytes read so far (after content decoding).</summary>
    long BytesRead { get; }

    Task ReadAsync(IRecordSink sink, CancellationToken ct);
}
