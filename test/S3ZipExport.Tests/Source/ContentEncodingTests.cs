using System.IO.Compression;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using static S3ZipExport.Tests.Source.SourceExport;

namespace S3ZipExport.Tests.Source;

/// <summary>A source that compresses its answer (Content-Encoding) is exported as if it had not.</summary>
[Collection(LocalS3Collection.Name)]
public sealed class ContentEncodingTests : IAsyncLifetime
{
    private static readonly byte[] Body = Events(3000);   // about 400 KB
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;

    public ContentEncodingTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    [LocalS3Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task Encoded_source_gives_the_CSV_of_the_plain_one_and_sourceBytes_counts_the_decoded_bytes(string coding)
    {
        _source.MapBytes("/plain", Body);
        await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/plain"), "tests/plain.zip"));
        var expected = await ReadCsvAsync(_s3, "tests/plain.zip");
        var encoded = Encode(Body, coding);
        Assert.True(encoded.Length < Body.Length / 4, $"{coding}: {encoded.Length} of {Body.Length} bytes");
        _source.MapBytes("/events", encoded, contentEncoding: coding);

        // A one-run export asks for the codings it decodes; only a sliced export of one document asks for identity.
        var summary = await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), $"tests/{coding}.zip"));

        var request = Assert.Single(_source.Requests, r => r.Path == "/events");
        Assert.Contains(coding, request.Headers["accept-encoding"].Split(',', StringSplitOptions.TrimEntries));
        Assert.Equal(expected, await ReadCsvAsync(_s3, $"tests/{coding}.zip"));
        Assert.Equal(3000, summary.GetProperty("rows").GetInt64());
        Assert.Equal(Body.Length, summary.GetProperty("sourceBytes").GetInt64());
    }

    private static byte[] Encode(byte[] bytes, string coding)
    {
        using var output = new MemoryStream();
        using (Stream encoder = coding switch
               {
                   "gzip" => new GZipStream(output, CompressionLevel.Optimal),
                   "br" => new BrotliStream(output, CompressionLevel.Optimal),
                   // HTTP's "deflate" is the zlib format (RFC 9110 §8.4.1.2).
                   "deflate" => new ZLibStream(output, CompressionLevel.Optimal),
                   _ => throw new ArgumentOutOfRangeException(nameof(coding)),
               })
            encoder.Write(bytes);
        return output.ToArray();
    }
}
