using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace S3ZipExport.Tests.Export;

/// <summary>
/// A source that sends a fixed body slowly, a piece at a time with a pause before each, so that an export of it takes
/// long enough to be cut several times. Range and If-Range are ASP.NET Core's own (Results.Stream with range
/// processing over a seekable stream), so a resumed invocation is judged by a real server implementation.
/// </summary>
internal static class SlowSource
{
    public const string ETag = "\"body-v1\"";

    /// <param name="ranges">False: the server neither advertises nor honours ranges (a source that cannot resume at a cut).</param>
    public static Func<HttpContext, Task> Serve(byte[] body, string contentType, int pieceBytes, TimeSpan pause, bool ranges = true) =>
        context => Results.Stream(new SlowReadStream(body, pieceBytes, pause), contentType,
            lastModified: ranges ? new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero) : null,
            entityTag: ranges ? new EntityTagHeaderValue(ETag) : null,
            enableRangeProcessing: ranges).ExecuteAsync(context);

    private sealed class SlowReadStream(byte[] body, int pieceBytes, TimeSpan pause) : MemoryStream(body, writable: false)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(pause, cancellationToken);
            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, pieceBytes)], cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
