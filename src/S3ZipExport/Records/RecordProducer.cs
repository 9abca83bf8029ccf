using System.Diagnostics;
using S3ZipExport.Contract;
using S3ZipExport.Pipeline;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;

namespace S3ZipExport.Records;

/// <summary>
/// Reads every source document in order (each URL of EXPORT_SOURCE_URL; with offset paging every page of each) and
/// hands every record's fields to one sink, page after page, so all of them stream into one CSV. One document is
/// open at a time: memory is one reader's buffer, whatever the number of pages. <see cref="RunAsync"/> calls
/// onSourceStart(i) before URL i's first record (once per URL, in order, even for a URL without records), after
/// everything of URL i-1 has been flushed to the sink.
/// <para>An export of several invocations gives it a <see cref="Cut"/>: when that asks, it stops at the next point it
/// can resume from (after a record of a document read whole, or after a page) and returns a <see cref="SourceCursor"/>,
/// which the next invocation gives back as <see cref="From"/>. Such an export reads a whole document on from a byte
/// offset, so a document the server cannot serve that way is refused when it is opened, not after an hour.</para>
/// </summary>
internal sealed class RecordProducer(SourceOptions options, RecordOptions records, TimeSpan? stopAfter, HttpSource source)
{
    // The reader being read and what the documents before it produced, swapped as one so progress stays consistent.
    private sealed record Current(RecordReader Reader, long RecordsBefore, long BytesBefore);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly IReadOnlyList<Uri> _urls = options.Urls;
    private readonly RecordExtraction _extraction = new(records);
    private volatile Current? _current;
    private string? _validator;   // of the document being read whole, for a cursor

    /// <summary>Where to stop early, for an export of several invocations; null reads to the end.</summary>
    public CutSignal? Cut { get; init; }

    /// <summary>Where an earlier invocation stopped; null starts at the first URL.</summary>
    public SourceCursor? From { get; init; }

    /// <summary>Records earlier invocations read: the first record of this one has this index.</summary>
    public long RecordsBefore { get; init; }

    /// <summary>Records read by this invocation so far (rows and skipped ones); safe to read from another thread.</summary>
    public long RecordCount => _current is { } c ? c.RecordsBefore - RecordsBefore + c.Reader.RecordCount : 0;

    /// <summary>Source bytes read by this invocation so far (after content decoding), all documents together.</summary>
    public long BytesRead => _current is { } c ? c.BytesBefore + c.Reader.BytesRead : 0;

    /// <summary>
    /// Of <see cref="BytesRead"/>, those read ahead past the cut (the read buffer was fuller than the last record
    /// needed): the next invocation fetches them again, from the cut's offset. The cost of a cut in source bytes.
    /// </summary>
    public long BytesReadPastCut { get; private set; }

    /// <summary>What EXPORT_ON_BAD_RECORD decides, for a sink that decides it for records it made rows of (<see cref="IRecordBytesSink"/>).</summary>
    public BadRecords BadRecords => _extraction.BadRecords;

    /// <summary>Records this invocation left out under EXPORT_ON_BAD_RECORD=skip.</summary>
    public long SkippedRecords => _extraction.BadRecords.Skipped;

    /// <summary>HTTP requests sent so far: documents, pages, retries and resumes.</summary>
    public int Requests => source.Requests;

    /// <summary>Several documents: errors then say which one (URL with its paging parameters, secrets redacted).</summary>
    private bool Several => options.HasSeveralDocuments;

    /// <summary>Reads to the end (null), or to a cut: then the cursor to read on from.</summary>
    public async Task<SourceCursor?> RunAsync(IRecordSink sink, Action<int> onSourceStart, CancellationToken ct)
    {
        for (var i = From?.Url ?? 0; i < _urls.Count; i++)
        {
            var resume = From is { AtStart: false } from && from.Url == i ? from : null;
            if (resume is null) onSourceStart(i);
            var stop = options.Paging is { } paging
                ? await ReadPagesAsync(i, paging, resume, sink, ct)
                : await ReadWholeDocumentAsync(i, resume, sink, ct);
            if (stop is not null) return stop;
            if (i + 1 < _urls.Count && Cut?.IsRequested == true) return new SourceCursor { Url = i + 1, AtStart = true };
        }
        return null;
    }

    /// <summary>One URL read as one document, from its start or from where a cut left it.</summary>
    private async Task<SourceCursor?> ReadWholeDocumentAsync(int index, SourceCursor? resume, IRecordSink sink, CancellationToken ct)
    {
        var url = _urls[index];
        var reader = await ReadDocumentAsync(url, url, resume, sink, ct);
        if (reader.CutAt is not { } at) return null;
        BytesReadPastCut = reader.BytesRead - (at - (resume?.Offset ?? 0));
        return new SourceCursor
        {
            Url = index,
            Offset = at,
            Validator = resume?.Validator ?? _validator,
            Line = (reader as NdjsonRecordReader)?.Line ?? 1,
            RecordsInUrl = (resume?.RecordsInUrl ?? 0) + reader.RecordCount,
        };
    }

    /// <summary>
    /// Offset paging (connpass v2: start from 1, count up to 100, results_available). The next start is this one plus
    /// the records the page really had, so a server that caps count silently is still read without gaps. Stops when
    /// the total is reached or a page has no records. The latest page's total counts: offset paging cannot give a
    /// consistent snapshot of a list that changes while it is read, so a change is logged, not fatal. A cut falls
    /// between pages, and every invocation reads one page at least, so an export always moves on.
    /// </summary>
    private async Task<SourceCursor?> ReadPagesAsync(int index, OffsetPaging paging, SourceCursor? resume, IRecordSink sink, CancellationToken ct)
    {
        var url = _urls[index];
        var start = resume?.PageStart ?? paging.StartBase;
        var total = resume?.Total;
        var records = resume?.RecordsInUrl ?? 0;
        var pages = 0;
        while (true)
        {
            if (pages > 0 && Cut?.IsRequested == true)
                return new SourceCursor { Url = index, PageStart = start, Total = total, RecordsInUrl = records };
            var pageUrl = RequestUrl(url, start);
            var page = await ReadDocumentAsync(pageUrl, url, resume: null, sink, ct);
            var (count, pageTotal) = (page.RecordCount, page.Total);
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
                if (pages == 1 && resume is null && count > 0 && Cut is null) CheckFitsDeadline(url, total.Value, count);
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
        return null;
    }

    /// <summary>
    /// At one request a second and 100 records a page, a 15-minute invocation reads at most ~90,000 records. An export
    /// that must finish in one invocation and cannot is stopped after its first page with the way out, not after 15
    /// minutes of work thrown away. (An export of several invocations simply goes on in the next.)
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
            $"(before {SettingNames.TimeoutSeconds}). Start it through the state machine, which continues an export over as many invocations as it needs, " +
            "or split it: one per month (connpass: ym=YYYYMM), or fewer records per URL.");
    }

    /// <summary>
    /// Reads one document (a URL, or one page of it) into the sink, from its start or from where <paramref name="resume"/>
    /// left it; a document read whole stops at a cut. Returns the reader: how many records it read, its total, where it cut.
    /// </summary>
    private async Task<RecordReader> ReadDocumentAsync(Uri requestUrl, Uri url, SourceCursor? resume, IRecordSink sink, CancellationToken ct)
    {
        var whole = options.Paging is null;
        var from = resume is null ? null : new ResumePoint(resume.Offset, resume.Validator ?? "");
        await using var body = await source.OpenAsync(requestUrl, url, ct, from);
        if (whole && Cut is not null && from is null)
        {
            _validator = body.ResumeValidator ?? throw new SourceException(
                $"Source {UrlRedaction.Redact(url)} cannot be continued by a later invocation: an export of several invocations reads a whole document on " +
                "from a byte offset (Range with If-Range), and this server sent no 'Accept-Ranges: bytes' with a strong ETag or Last-Modified for the body as stored. " +
                $"Page it ({SettingNames.SourcePaging}=offset), split it into URLs that each fit one invocation, or invoke the function directly if it fits in one.");
        }
        var before = _current;
        var recordsBefore = before is null ? RecordsBefore : before.RecordsBefore + before.Reader.RecordCount;
        var bytesBefore = before is null ? 0 : before.BytesBefore + before.Reader.BytesRead;
        var cut = whole ? Cut : null;
        RecordReader reader = options.Format == SourceFormat.Ndjson
            ? new NdjsonRecordReader(body.Content, body.ContentType, _extraction) { FirstRecordIndex = recordsBefore, Cut = cut }
            : new JsonRecordReader(body.Content, records.RecordsPath, body.ContentType, _extraction, options.Paging?.TotalPath) { FirstRecordIndex = recordsBefore, Cut = cut };
        if (resume is not null)
        {
            if (reader is NdjsonRecordReader lines) lines.ResumeAt(resume.Offset, resume.Line);
            else ((JsonRecordReader)reader).ResumeAt(resume.Offset);
        }
        _current = new Current(reader, recordsBefore, bytesBefore);
        try
        {
            await reader.ReadAsync(sink, ct);
        }
        catch (BadInputException e) when (Several)
        {
            throw new BadInputException($"Source {UrlRedaction.Redact(requestUrl)}: {e.Message}", e);
        }
        return reader;
    }

    private Uri RequestUrl(Uri url, long start) => options.Paging is { } paging
        ? PageUrl.With(url, paging.StartParam, start, paging.SizeParam, paging.Size)
        : url;
}
