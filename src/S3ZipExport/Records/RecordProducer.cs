using System.Diagnostics;
using S3ZipExport.Contract;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;

namespace S3ZipExport.Records;

/// <summary>
/// Reads every source document in order (each URL of EXPORT_SOURCE_URL; with offset paging every page of each) and
/// hands every record's fields to one sink, page after page, so all of them stream into one CSV. One document is
/// open at a time: memory is one reader's buffer, whatever the number of pages. <see cref="RunAsync"/> calls
/// onSourceStart(i) before URL i's first record (once per URL, in order, even for a URL without records), after
/// everything of URL i-1 has been flushed to the sink.
/// </summary>
internal sealed class RecordProducer(SourceOptions options, RecordOptions records, TimeSpan? stopAfter, HttpSource source)
{
    // The reader being read and what the documents before it produced, swapped as one so progress stays consistent.
    private sealed record Current(RecordReader Reader, long RecordsBefore, long BytesBefore);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly IReadOnlyList<Uri> _urls = options.Urls;
    private readonly RecordExtraction _extraction = new(records);
    private volatile Current? _current;

    /// <summary>Records handed to the sink so far; safe to read from another thread.</summary>
    public long RecordCount => _current is { } c ? c.RecordsBefore + c.Reader.RecordCount : 0;

    /// <summary>Source bytes read so far (after content decoding), all documents together.</summary>
    public long BytesRead => _current is { } c ? c.BytesBefore + c.Reader.BytesRead : 0;

    /// <summary>Records left out under EXPORT_ON_BAD_RECORD=skip.</summary>
    public long SkippedRecords => _extraction.BadRecords.Skipped;

    /// <summary>HTTP requests sent so far: documents, pages, retries and resumes.</summary>
    public int Requests => source.Requests;

    /// <summary>Several documents: errors then say which one (URL with its paging parameters, secrets redacted).</summary>
    private bool Several => options.HasSeveralDocuments;

    public async Task RunAsync(IRecordSink sink, Action<int> onSourceStart, CancellationToken ct)
    {
        for (var i = 0; i < _urls.Count; i++)
        {
            onSourceStart(i);
            if (options.Paging is { } paging)
                await ReadPagesAsync(_urls[i], paging, sink, ct);
            else
                await ReadDocumentAsync(_urls[i], _urls[i], sink, ct);
        }
    }

    /// <summary>
    /// Offset paging (connpass v2: start from 1, count up to 100, results_available). The next start is this one plus
    /// the records the page really had, so a server that caps count silently is still read without gaps. Stops when
    /// the total is reached or a page has no records. The latest page's total counts: offset paging cannot give a
    /// consistent snapshot of a list that changes while it is read, so a change is logged, not fatal.
    /// </summary>
    private async Task ReadPagesAsync(Uri url, OffsetPaging paging, IRecordSink sink, CancellationToken ct)
    {
        var start = (long)paging.StartBase;
        long? total = null;
        long records = 0;
        var pages = 0;
        while (true)
        {
            var pageUrl = RequestUrl(url, start);
            var (count, pageTotal) = await ReadDocumentAsync(pageUrl, url, sink, ct);
            pages++;
            records += count;
            if (paging.TotalPath.Count > 0)
            {
                if (pageTotal is null)
                    throw new BadInputException($"Source {UrlRedaction.Redact(pageUrl)} has no total at '{string.Join('.', paging.TotalPath)}' ({SettingNames.PageTotalPath}); " +
                                                "set it to the field holding the number of records available, or set it empty to page until a page has no records.");
                if (total is not null && pageTotal != total)
                    JsonLog.Info("source total changed while paging", new Dictionary<string, object?>
                    {
                        ["source"] = UrlRedaction.Redact(pageUrl),
                        ["previousTotal"] = total,
                        ["total"] = pageTotal,
                        ["recordsRead"] = records,
                        ["note"] = "records added or removed meanwhile may be missed or read twice; the latest total is followed",
                    });
                total = pageTotal;
                if (pages == 1 && count > 0) CheckFitsDeadline(url, total.Value, count);
            }
            if (count == 0)
            {
                if (total is not null && records < total)
                    JsonLog.Info("source page had no records before the total was reached; stopping", new Dictionary<string, object?>
                    {
                        ["source"] = UrlRedaction.Redact(pageUrl),
                        ["total"] = total,
                        ["recordsRead"] = records,
                    });
                break;
            }
            start += count;
            if (total is not null && start - paging.StartBase >= total) break;
        }
        JsonLog.Info("source read", new Dictionary<string, object?>
        {
            ["source"] = UrlRedaction.Redact(url),
            ["pages"] = pages,
            ["records"] = records,
            ["total"] = total,
        });
    }

    /// <summary>
    /// At one request a second and 100 records a page, a 15-minute invocation reads at most ~90,000 records. A source
    /// that cannot fit is stopped after its first page with the way out, not after 15 minutes of work thrown away.
    /// </summary>
    private void CheckFitsDeadline(Uri url, long total, long perPage)
    {
        if (stopAfter is not { } limit || options.MinInterval <= TimeSpan.Zero) return;
        var pagesLeft = (total - 1) / perPage;   // pages after the first: ceil(total / perPage) - 1
        var needed = options.MinInterval * pagesLeft;
        if (_clock.Elapsed + needed <= limit) return;
        throw new SourceException(
            $"Source {UrlRedaction.Redact(url)} has {total:N0} records available; at {perPage} a page and {options.MinInterval.TotalMilliseconds:0} ms between requests " +
            $"({SettingNames.SourceMinIntervalMs}) the other {pagesLeft:N0} pages need at least {needed.TotalSeconds:N0} s, more than the {limit.TotalSeconds:N0} s this invocation has " +
            $"(before {SettingNames.TimeoutSeconds}). Split the export: one per month (connpass: ym=YYYYMM), or fewer records per URL.");
    }

    /// <summary>Reads one document (a URL, or one page of it) into the sink; returns its record count and total.</summary>
    private async Task<(long Records, long? Total)> ReadDocumentAsync(Uri requestUrl, Uri url, IRecordSink sink, CancellationToken ct)
    {
        await using (var body = await source.OpenAsync(requestUrl, url, ct))
        {
            var before = _current;
            var recordsBefore = before is null ? 0 : before.RecordsBefore + before.Reader.RecordCount;
            var bytesBefore = before is null ? 0 : before.BytesBefore + before.Reader.BytesRead;
            RecordReader reader = options.Format == SourceFormat.Ndjson
                ? new NdjsonRecordReader(body.Content, body.ContentType, _extraction) { FirstRecordIndex = recordsBefore }
                : new JsonRecordReader(body.Content, records.RecordsPath, body.ContentType, _extraction, options.Paging?.TotalPath) { FirstRecordIndex = recordsBefore };
            _current = new Current(reader, recordsBefore, bytesBefore);
            try
            {
                await reader.ReadAsync(sink, ct);
            }
            catch (BadInputException e) when (Several)
            {
                throw new BadInputException($"Source {UrlRedaction.Redact(requestUrl)}: {e.Message}", e);
            }
            return (reader.RecordCount, reader.Total);
        }
    }

    private Uri RequestUrl(Uri url, long start) => options.Paging is { } paging
        ? PageUrl.With(url, paging.StartParam, start, paging.SizeParam, paging.Size)
        : url;
}
