using Microsoft.AspNetCore.Http;

namespace S3ZipExport.Tests.Source;

/// <summary>
/// Source handlers whose first answer breaks mid-body. Later answers come from ASP.NET Core's own range support
/// (Results.Bytes with range processing), so Range and If-Range are judged by a real server implementation.
/// </summary>
internal static class RangedSource
{
    public static readonly DateTimeOffset LastModified = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    public enum Break { Drop, Stall }

    /// <param name="etag">Null: only Last-Modified validates the resource.</param>
    /// <param name="ranges">False: the server neither advertises nor honours ranges.</param>
    /// <param name="laterBody">What later requests see; a different body (with a new ETag) means the resource changed.</param>
    public static Func<HttpContext, Task> BreaksFirst(byte[] body, int breakAfter, Break how = Break.Drop, string? etag = "\"v1\"",
        bool ranges = true, string? contentEncoding = null, (byte[] Body, string? ETag)? laterBody = null)
    {
        var seen = 0;
        return async context =>
        {
            if (Interlocked.Increment(ref seen) > 1)
            {
                var (later, laterTag) = laterBody ?? (body, etag);
                if (contentEncoding is not null) context.Response.Headers.ContentEncoding = contentEncoding;
                await Results.Bytes(later, "application/json", lastModified: LastModified,
                    entityTag: laterTag is null ? null : new Microsoft.Net.Http.Headers.EntityTagHeaderValue(laterTag),
                    enableRangeProcessing: ranges).ExecuteAsync(context);
                return;
            }
            var response = context.Response;
            response.ContentType = "application/json";
            response.ContentLength = body.Length;
            if (contentEncoding is not null) response.Headers.ContentEncoding = contentEncoding;
            if (ranges)
            {
                response.Headers.AcceptRanges = "bytes";
                if (etag is not null) response.Headers.ETag = etag;
                response.Headers.LastModified = LastModified.ToString("R");
            }
            await response.Body.WriteAsync(body.AsMemory(0, breakAfter), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            if (how == Break.Stall)
            {
                // Silence until the client gives up on this connection.
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return;
            }
            // A reset makes the client's kernel discard what it has not read yet: give it time to read the bytes sent.
            await Task.Delay(300, context.RequestAborted);
            context.Abort();
        };
    }
}
