using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Source;

/// <summary>
/// The connpass API v2 events endpoint as the export meets it, served by <see cref="SourceServer"/>: <c>start</c> from 1,
/// <c>count</c> capped at 100, <c>results_available</c>/<c>results_returned</c>/<c>results_start</c>, v2 field names
/// (<c>id</c>, <c>url</c>, <c>group</c>), and at most one request per <see cref="MinGap"/> per X-API-Key, answered
/// with 429 and no Retry-After beyond it. Event ids are ym × 1000 + position, so the CSV shows order and gaps.
/// </summary>
internal sealed class FakeConnpass
{
    public const string Path = "/api/v2/events/";

    // The export counts the interval from the previous answer, so a request it sends cannot reach the server sooner
    // than the interval after the one before. This fake notes "arrival" when its handler starts, which on a loaded
    // 2-core test machine can lag the real arrival by several ms: that lag, not the export, is what this allows for.
    // An export without pacing sends its next page within a few ms, far inside the gap, and is still refused.
    public static readonly TimeSpan ClockResolution = TimeSpan.FromMilliseconds(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _lastByKey = [];
    private int _answered;

    public TimeSpan MinGap { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Events in a month (the ym parameter; 0 when absent).</summary>
    public Func<int, int> EventsIn { get; init; } = _ => 250;
    /// <summary>If set: results_available, and the events that exist, by the index of the answered request.</summary>
    public Func<int, int>? TotalAt { get; init; }
    /// <summary>If set: pages hold no events past this position, whatever results_available says.</summary>
    public int? NoEventsAfter { get; init; }
    public bool TotalAfterRecords { get; init; }
    public bool OmitTotal { get; init; }
    /// <summary>The answered request with this index gets one 429 (no Retry-After) instead.</summary>
    public int TooManyAt { get; init; } = -1;

    /// <summary>
    /// Measure the gap strictly from the last byte of the previous answer (a server may), not from its arrival; with
    /// no clock allowance at all.
    /// </summary>
    public bool MeasureFromLastByte { get; init; }

    /// <summary>How long the body of a page takes to send after its first half: the time between headers and last byte.</summary>
    public TimeSpan BodyDelay { get; init; }

    public int TooManyRequestsAnswered { get; private set; }

    public static string Url(SourceServer server, string query = "") => server.Url(Path + query).ToString();

    public void MapOn(SourceServer server) => server.Map(Path, HandleAsync);

    private async Task HandleAsync(HttpContext context)
    {
        var key = context.Request.Headers["X-API-Key"].ToString();
        var now = DateTimeOffset.UtcNow;
        int index;
        bool limited;
        lock (_gate)
        {
            limited = _lastByKey.TryGetValue(key, out var previous) && now - previous < MinGap - (MeasureFromLastByte ? TimeSpan.Zero : ClockResolution);
            _lastByKey[key] = now;
            index = limited ? -1 : _answered++;
            if (limited || index == TooManyAt) TooManyRequestsAnswered++;
        }
        if (limited || index == TooManyAt)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsync("Too Many Requests");
            return;
        }

        var query = context.Request.Query;
        var ym = int.TryParse(query["ym"], CultureInfo.InvariantCulture, out var y) ? y : 0;
        var start = int.TryParse(query["start"], CultureInfo.InvariantCulture, out var s) ? s : 1;
        var count = Math.Min(int.TryParse(query["count"], CultureInfo.InvariantCulture, out var c) ? c : 10, 100);
        var available = TotalAt?.Invoke(index) ?? EventsIn(ym);
        var last = Math.Min(Math.Min(available, start + count - 1), NoEventsAfter ?? int.MaxValue);

        var json = new StringBuilder("{");
        var returned = Math.Max(0, last - start + 1);
        var total = OmitTotal ? "" : $"\"results_available\":{available},";
        json.Append($"\"results_returned\":{returned},").Append(TotalAfterRecords ? "" : total).Append($"\"results_start\":{start},\"events\":[");
        for (var i = start; i <= last; i++)
        {
            var id = ym * 1000 + i;
            json.Append(i > start ? "," : "").Append(
                $$"""{"id":{{id}},"title":"勉強会 #{{id}}","url":"https://connpass.com/event/{{id}}/","group":{"id":7,"title":"Tokyo.rb"},"started_at":"2026-11-01T19:00:00+09:00"}""");
        }
        json.Append(']').Append(TotalAfterRecords && total.Length > 0 ? "," + total.TrimEnd(',') : "").Append('}');
        context.Response.ContentType = "application/json; charset=utf-8";
        var text = json.ToString();
        if (BodyDelay > TimeSpan.Zero)
        {
            await context.Response.WriteAsync(text[..(text.Length / 2)], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(BodyDelay, context.RequestAborted);
            text = text[(text.Length / 2)..];
        }
        await context.Response.WriteAsync(text, context.RequestAborted);
        await context.Response.CompleteAsync();
        if (MeasureFromLastByte)
            lock (_gate) _lastByKey[key] = DateTimeOffset.UtcNow;
    }
}
