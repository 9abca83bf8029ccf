using S3ZipExport.Export;
using S3ZipExport.Records;
using S3ZipExport.Settings;
using S3ZipExport.Source;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// Reads the first records of the source exactly as the export reads them, the export's own <see cref="RecordProducer"/>
/// over its <see cref="HttpSource"/> (URLs in order, paging, pacing, API key, content encodings, retries and resumes,
/// the records path, JSON Lines, EXPORT_ON_BAD_RECORD), and stops once <c>limit</c> records reached the sink: the
/// source's connection is closed where it is, and no further page is requested.
/// </summary>
internal static class FirstRecords
{
    /// <summary>What was read: records handed to the sink, records left out (EXPORT_ON_BAD_RECORD=skip), source bytes, requests.</summary>
    public sealed record Read(long Records, long SkippedRecords, long SourceBytes, int Requests, bool StoppedEarly);

    /// <summary>
    /// The settings, read and checked as for an export but with no bucket needed, and the export's source for them
    /// (the API key read from SSM when it is configured so).
    /// </summary>
    public static async Task<(ExportPlan Plan, HttpSource Source)> PrepareAsync(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation, CancellationToken ct)
    {
        var plan = SettingsReader.ReadWithoutUpload(environment, invocation);
        return (plan, await HttpSource.CreateAsync(plan.Source, plan.Aws, ct));
    }

    public static async Task<Read> ReadAsync(ExportPlan plan, HttpSource source, IRecordSink sink, int limit, CancellationToken ct)
    {
        var counted = new CountingSink(sink, limit);
        // No deadline: a local look has no Lambda timeout to keep.
        var producer = new RecordProducer(plan.Source, plan.Records, stopAfter: null, source);
        var stoppedEarly = false;
        try
        {
            await producer.RunAsync(counted, _ => { }, ct);
        }
        catch (EnoughRecords)
        {
            // Thrown from inside the reader: the document's body is disposed on the way out (the connection closes),
            // and the paging loop ends before it asks for the next page.
            stoppedEarly = true;
        }
        await sink.FlushAsync(ct);
        return new Read(counted.Count, producer.SkippedRecords, producer.BytesRead, producer.Requests, stoppedEarly);
    }

    /// <summary>
    /// The reader has no "stop here": it reads until its document ends. Ending the read by an exception from the sink
    /// stops it right after the last record wanted, before it handles one more record (a bad one would otherwise fail
    /// or be logged although the user never asked for it), and adds nothing to the export's own code path.
    /// </summary>
    private sealed class EnoughRecords : Exception;

    private sealed class CountingSink(IRecordSink inner, int limit) : IRecordSink
    {
        public long Count { get; private set; }

        public void OnRecord(in RecordFields record)
        {
            inner.OnRecord(record);
            if (++Count == limit) throw new EnoughRecords();
        }

        public ValueTask FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
    }
}
