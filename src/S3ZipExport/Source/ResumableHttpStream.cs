using System.Net;
using System.Net.Http.Headers;
using S3ZipExport.Contract;
using S3ZipExport.Telemetry;

namespace S3ZipExport.Source;

/// <summary>
/// The source's body bytes (as sent, before any content decoding) as one continuous stream. When the connection
/// drops or stalls mid-body and the server supports ranges for a validated resource, a read reconnects with
/// <c>Range: bytes=N-</c> and <c>If-Range</c> (RFC 9110 §14.2, §13.1.5) and carries on where it stopped, so the
/// reader above never notices. Otherwise the read fails with the byte offset and why it could not resume.
/// Memory: none of its own; the response stream's buffers only.
/// </summary>
internal sealed class ResumableHttpStream : Stream
{
    private readonly SourceRequestSender _sender;
    private readonly Uri _url;
    private readonly RangeConditionHeaderValue? _ifRange;   // null: the server gave no way to resume
    private readonly TimeSpan _readTimeout;
    private HttpResponseMessage _response;
    private Stream _body;
    private long _position;
    private bool _ended;   // BodyEnded was called for the last answer (see Ended)
    private CancellationTokenSource? _stall;   // the read timeout; reused from read to read
    private CancellationToken _stallLinkedTo;

    private ResumableHttpStream(SourceRequestSender sender, HttpResponseMessage response, Stream body, TimeSpan readTimeout,
        RangeConditionHeaderValue? ifRange, long position)
    {
        _sender = sender;
        _response = response;
        _body = body;
        _readTimeout = readTimeout;
        // After redirects, resume at the final URL.
        _url = response.RequestMessage?.RequestUri ?? throw new InvalidOperationException("The response has no request.");
        _ifRange = ifRange;
        _position = position;
    }

    /// <summary>The first response's Content-Type: resumed parts are the same representation.</summary>
    public string? ContentType { get; private init; }

    /// <summary>The first response's content codings (gzip, br, ...), in the order they were applied.</summary>
    public IReadOnlyList<string> ContentEncoding { get; private init; } = [];

    /// <summary>Bytes handed to the reader so far; the offset a resume asks for.</summary>
    public long BytesRead => _position;

    /// <summary>The validator a later request may continue this body with (If-Range), as text; null when it cannot.</summary>
    public string? ResumeValidator => _ifRange switch
    {
        { EntityTag: { } tag } => tag.ToString(),
        { Date: { } date } => date.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>
    /// Sends GET for <paramref name="url"/>, from its first byte, or from <paramref name="from"/>'s offset with If-Range
    /// (an earlier invocation's read, continued: the answer must be 206 from that byte).
    /// </summary>
    public static async Task<ResumableHttpStream> OpenAsync(SourceRequestSender sender, Uri url, TimeSpan readTimeout, ResumePoint? from, CancellationToken ct)
    {
        var ifRange = from is null ? null : ParseValidator(from.Validator);
        var response = await sender.SendAsync(url, from?.Offset, ifRange, ct);
        try
        {
            if (from is not null)
                CheckContinues(response, from.Offset, UrlRedaction.Redact(url), "since the previous invocation read it");
            var body = await response.Content.ReadAsStreamAsync(ct);
            return new ResumableHttpStream(sender, response, body, readTimeout, ifRange ?? ValidatorOf(response), from?.Offset ?? 0)
            {
                ContentType = response.Content.Headers.ContentType?.ToString(),
                ContentEncoding = response.Content.Headers.ContentEncoding.ToArray(),
            };
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// If-Range needs a strong validator: a strong ETag, else Last-Modified. A weak ETag (W/) may name a different
    /// byte sequence, e.g. one compressed on the fly, so its bytes cannot be spliced.
    /// </summary>
    private static RangeConditionHeaderValue? ValidatorOf(HttpResponseMessage response)
    {
        if (!response.Headers.AcceptRanges.Contains("bytes", StringComparer.OrdinalIgnoreCase)) return null;
        if (response.Headers.ETag is { IsWeak: false } etag) return new RangeConditionHeaderValue(etag);
        if (response.Content.Headers.LastModified is { } lastModified) return new RangeConditionHeaderValue(lastModified);
        return null;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        while (true)
        {
            Exception failure;
            try
            {
                var read = await ReadWithinTimeoutAsync(buffer, ct);
                _position += read;
                if (read == 0 && buffer.Length > 0) Ended();
                return read;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && TransientFailure.IsTransient(e))
            {
                failure = e;
            }
            await ResumeAsync(failure, ct);
        }
    }

    /// <summary>A read that waits longer than the read timeout for its first byte fails as a transient error.</summary>
    private async ValueTask<int> ReadWithinTimeoutAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var stall = StallTimer(ct);
        try
        {
            return await _body.ReadAsync(buffer, stall.Token);
        }
        catch (OperationCanceledException e) when (stall.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no byte arrived for {_readTimeout.TotalSeconds:0} s ({SettingNames.SourceReadTimeoutSeconds})", e);
        }
    }

    /// <summary>
    /// The read timeout, started for one read. One token source serves every read (reset, and its timer moved):
    /// a new linked source and timer per read was 0.6 MB of garbage per GB of source.
    /// </summary>
    private CancellationTokenSource StallTimer(CancellationToken ct)
    {
        if (_stall is null || ct != _stallLinkedTo || !_stall.TryReset())
        {
            _stall?.Dispose();
            _stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _stallLinkedTo = ct;
        }
        _stall.CancelAfter(_readTimeout);
        return _stall;
    }

    private async Task ResumeAsync(Exception failure, CancellationToken ct)
    {
        var url = UrlRedaction.Redact(_url);
        await _body.DisposeAsync();
        _response.Dispose();
        _sender.BodyEnded();   // the answer ended where it broke off; a resume keeps the interval from there
        if (_ifRange is null)
            // The export as a whole can still start over from the first byte (ExportJob does, while time allows).
            throw new SourceException($"The connection to source {url} dropped at byte {_position} ({failure.Message}) and the server does not support resuming: it sent no 'Accept-Ranges: bytes' with a strong ETag or Last-Modified.", failure)
            {
                RestartCanHelp = true,
            };
        if (!_sender.Budget.HasAttemptLeft)
            throw new SourceException($"The connection to source {url} dropped at byte {_position} ({failure.Message}) and all {_sender.Budget.Max} attempts are used ({SettingNames.SourceMaxAttempts}).", failure);

        JsonLog.Info("source connection dropped, resuming", new Dictionary<string, object?>
        {
            ["source"] = url,
            ["offset"] = _position,
            ["failure"] = failure.Message,
            ["attempt"] = _sender.Budget.Used + 1,
            ["maxAttempts"] = _sender.Budget.Max,
        });
        var response = await _sender.SendAsync(_url, _position, _ifRange, ct);
        try
        {
            CheckContinues(response, _position, url, "while it was being read");
            _body = await response.Content.ReadAsStreamAsync(ct);
            _response = response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>A request with Range and If-Range must be answered 206 from exactly that byte, or the body cannot be spliced.</summary>
    private static void CheckContinues(HttpResponseMessage response, long offset, string url, string since)
    {
        if (response.StatusCode != HttpStatusCode.PartialContent)
            throw new SourceException($"Source {url} changed {since} (it answered HTTP {(int)response.StatusCode} instead of 206 to a resume at byte {offset} with If-Range), so the bytes read so far cannot be continued. Run the export again.");
        var range = response.Content.Headers.ContentRange;
        if (range is not { HasRange: true } || range.From != offset || !string.Equals(range.Unit, "bytes", StringComparison.OrdinalIgnoreCase))
            throw new SourceException($"Source {url} answered a resume at byte {offset} with Content-Range '{range}', which does not start there.");
    }

    private static RangeConditionHeaderValue ParseValidator(string validator) =>
        validator.StartsWith('"') || validator.StartsWith("W/", StringComparison.Ordinal)
            ? new RangeConditionHeaderValue(EntityTagHeaderValue.Parse(validator))
            : new RangeConditionHeaderValue(DateTimeOffset.Parse(validator, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// The answer ended: at its last byte, or when it is let go unread to its end (a cut, a failure). Once, so the
    /// interval to the next request counts from the last byte, not from when the reader got round to disposing.
    /// </summary>
    private void Ended()
    {
        if (_ended) return;
        _ended = true;
        _sender.BodyEnded();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The source is read asynchronously only.");

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            _response.Dispose();
            _stall?.Dispose();
            Ended();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync();
        _response.Dispose();
        _stall?.Dispose();
        Ended();
        await base.DisposeAsync();
    }
}
