using System.IO.Compression;
using S3ZipExport.Telemetry;

namespace S3ZipExport.Source;

/// <summary>
/// Undoes the source's Content-Encoding as a stream. Done here rather than by the handler so that a resume can
/// continue the encoded bytes (ranges count encoded bytes) beneath one decompressor that never restarts.
/// </summary>
internal static class ContentDecoding
{
    public const string AcceptEncoding = "gzip, br, deflate";

    public static Stream Decode(Stream encoded, IReadOnlyList<string> contentEncoding, Uri url)
    {
        var stream = encoded;
        // Codings are listed in the order applied (RFC 9110 §8.4), so they are undone from the last.
        foreach (var coding in contentEncoding.Reverse())
        {
            stream = coding.Trim().ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => new GZipStream(stream, CompressionMode.Decompress),
                "br" => new BrotliStream(stream, CompressionMode.Decompress),
                // HTTP's "deflate" is the zlib format (RFC 9110 §8.4.1.2).
                "deflate" => new ZLibStream(stream, CompressionMode.Decompress),
                "identity" => stream,
                var other => throw new SourceException($"Source {UrlRedaction.Redact(url)} sent Content-Encoding '{other}', which this export cannot decode."),
            };
        }
        return stream;
    }
}
