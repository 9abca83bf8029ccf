namespace S3ZipExport.Records;

/// <summary>Where the record reader hands each record's extracted fields, in order; data flows one way, to here.</summary>
internal interface IRecordSink
{
    /// <summary>One record's column values, valid only during the call.</summary>
    void OnRecord(in RecordFields record);

    /// <summary>Hands what was written so far to the next stage; waits there when that stage is behind (backpressure).</summary>
    ValueTask FlushAsync(CancellationToken ct);
}
