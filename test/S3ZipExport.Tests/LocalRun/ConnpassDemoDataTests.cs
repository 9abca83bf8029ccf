using System.IO.Compression;
using System.Text;
using System.Text.Json;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Tests.LocalRun;

public sealed class ConnpassDemoDataTests
{
    private static readonly string[] EventFields =
    [
        "id", "title", "catch", "description", "url", "image_url", "hash_tag", "started_at", "ended_at", "limit", "event_type",
        "open_status", "group", "address", "place", "lat", "lon", "owner_id", "owner_nickname", "owner_display_name",
        "accepted", "waiting", "updated_at",
    ];

    private static async Task<byte[]> WriteAsync(long bytes)
    {
        using var output = new MemoryStream();
        await ConnpassDemoData.WriteAsync(output, bytes, CancellationToken.None);
        return output.ToArray();
    }

    [Fact]
    public async Task Two_writes_of_the_same_size_are_byte_for_byte_equal()
    {
        var first = await WriteAsync(1_000_000);
        var second = await WriteAsync(1_000_000);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Document_is_JSON_with_totals_first_and_every_Connpass_v2_field()
    {
        var bytes = await WriteAsync(200_000);
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;

        Assert.Equal(["results_returned", "results_available", "results_start", "events"], root.EnumerateObject().Select(p => p.Name));
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(events.Count, root.GetProperty("results_returned").GetInt32());
        Assert.Equal(ConnpassDemoData.EventCountFor(200_000), events.Count);
        Assert.All(events, e => Assert.Equal(EventFields, e.EnumerateObject().Select(p => p.Name)));
        Assert.All(events, e => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$", e.GetProperty("started_at").GetString()));
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("id").GetInt32()).Distinct().Count());
    }

    [Fact]
    public async Task Document_of_5_MB_is_within_10_percent_of_5_MB()
    {
        var bytes = await WriteAsync(5 * ConnpassDemoData.BytesPerMB);
        Assert.InRange(bytes.Length, 4_500_000, 5_500_000);
    }

    [Fact]
    public async Task Descriptions_are_HTML_with_Japanese_text_quotes_commas_and_newlines_as_raw_UTF8()
    {
        var bytes = await WriteAsync(100_000);
        Assert.Contains("勉強会", Encoding.UTF8.GetString(bytes));   // UTF-8 in the document, not \u escapes

        using var doc = JsonDocument.Parse(bytes);
        var descriptions = doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("description").GetString()!).ToList();
        Assert.All(descriptions, d => Assert.InRange(Encoding.UTF8.GetByteCount(d), 1500, 3000));
        Assert.All(descriptions, d => Assert.Contains("<h2>", d));
        Assert.Contains(descriptions, d => d.Contains('"') && d.Contains(',') && d.Contains('\n') && d.Contains('。'));
    }

    [Fact]
    public async Task Document_deflates_about_as_poorly_as_real_Connpass_data_not_twenty_to_one()
    {
        // Real event descriptions deflate 3-6:1; text that repeats deflates 20:1 and makes compression look cheap.
        var bytes = await WriteAsync(2 * ConnpassDemoData.BytesPerMB);
        using var deflated = new MemoryStream();
        await using (var deflate = new DeflateStream(deflated, CompressionLevel.Optimal, leaveOpen: true))
            await deflate.WriteAsync(bytes);
        Assert.InRange((double)bytes.Length / deflated.Length, 3.0, 7.0);
    }

    [Fact]
    public async Task Source_server_streams_the_document_chunked_as_JSON()
    {
        await using var server = await DemoSourceServer.StartAsync(0);
        using var http = new HttpClient();
        using var response = await http.GetAsync(server.EventsUrl(0.2));

        response.EnsureSuccessStatusCode();
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await WriteAsync(200_000), await response.Content.ReadAsByteArrayAsync());
    }
}
