using System.Text;
using S3ZipExport.Export;
using S3ZipExport.Settings;
using S3ZipExport.Source;

namespace S3ZipExport.Tests.Source;

/// <summary>Paging, several URLs, JSON Lines and extra headers: defaults that fit connpass, and messages that name the setting.</summary>
public class PagingSettingsTests
{
    private static readonly Dictionary<string, string?> Minimal = new()
    {
        ["EXPORT_SOURCE_URL"] = "https://connpass.com/api/v2/events/?ym=202611",
        ["EXPORT_BUCKET"] = "my-exports",
    };

    private static ExportPlan Read(params (string Name, string? Value)[] changes)
    {
        var env = new Dictionary<string, string?>(Minimal);
        foreach (var (name, value) in changes) env[name] = value;
        return SettingsReader.Read(env, InvocationEvent.Parse(Encoding.UTF8.GetBytes("{}"), TimeProvider.System));
    }

    private static string Fail(params (string Name, string? Value)[] changes) =>
        Assert.Throws<SettingsException>(() => Read(changes)).Message;

    [Fact]
    public void Defaults_are_one_JSON_document_without_paging_pauses_or_extra_headers()
    {
        var s = Read();
        Assert.Null(s.Source.Paging);
        Assert.Equal(SourceFormat.Json, s.Source.Format);
        Assert.Equal(TimeSpan.Zero, s.Source.MinInterval);
        Assert.Empty(s.Source.Headers);
        Assert.Single(s.Source.Urls);
    }

    [Fact]
    public void Offset_paging_defaults_follow_connpass_v2_and_wait_a_second_between_requests()
    {
        var s = Read(("EXPORT_SOURCE_PAGING", "offset"));
        var paging = Assert.IsType<OffsetPaging>(s.Source.Paging);
        Assert.Equal(("start", 1, "count", 100), (paging.StartParam, paging.StartBase, paging.SizeParam, paging.Size));
        Assert.Equal(["results_available"], paging.TotalPath);
        Assert.Equal(TimeSpan.FromSeconds(1), s.Source.MinInterval);
    }

    [Fact]
    public void Several_URLs_separated_by_spaces_or_newlines_are_kept_in_order_and_the_first_is_SourceUrl()
    {
        var s = Read(("EXPORT_SOURCE_URL", " https://connpass.com/api/v2/events/?ym=202610\n https://connpass.com/api/v2/events/?ym=202611  https://connpass.com/api/v2/events/?ym=202612\r\n"));
        Assert.Equal(["ym=202610", "ym=202611", "ym=202612"], s.Source.Urls.Select(u => u.Query.TrimStart('?')));
    }

    [Fact]
    public void Each_URL_is_validated_and_named_by_its_position_with_secrets_redacted()
    {
        var message = Fail(("EXPORT_SOURCE_URL", "https://a.example/x http://b.example/y?api_key=s3cr3t not-a-url"));
        Assert.Contains("EXPORT_SOURCE_URL: URL 2 'http://b.example/y?api_key=REDACTED' is plain http", message);
        Assert.Contains("EXPORT_SOURCE_URL: URL 3 '(a value of 9 characters, shown only when it starts with http:// or https://)' is not an absolute http(s) URL", message);
        Assert.DoesNotContain("s3cr3t", message);
    }

    [Fact]
    public void Extra_headers_are_name_value_lines_and_blank_lines_are_skipped()
    {
        var s = Read(("EXPORT_SOURCE_HEADERS", "Accept-Language: ja\n\n X-Client :  nightly export: v2 \r\n"));
        Assert.Equal([new("Accept-Language", "ja"), new("X-Client", "nightly export: v2")], s.Source.Headers);
    }

    [Theory]
    [InlineData("EXPORT_SOURCE_PAGING", "pages", "must be one of none, offset")]
    [InlineData("EXPORT_SOURCE_FORMAT", "csv", "must be one of json, ndjson")]
    [InlineData("EXPORT_PAGE_SIZE", "0", "from 1 to 10000")]
    [InlineData("EXPORT_PAGE_START_BASE", "2", "from 0 to 1")]
    [InlineData("EXPORT_PAGE_START_PARAM", "st art", "not a plain query parameter name")]
    [InlineData("EXPORT_PAGE_SIZE_PARAM", "start", "is also EXPORT_PAGE_START_PARAM")]
    [InlineData("EXPORT_PAGE_TOTAL_PATH", "meta..total", "has an empty part")]
    [InlineData("EXPORT_PAGE_TOTAL_PATH", "events.total", "overlaps EXPORT_RECORDS_PATH 'events'")]
    [InlineData("EXPORT_SOURCE_MIN_INTERVAL_MS", "60001", "from 0 to 60000")]
    [InlineData("EXPORT_SOURCE_HEADERS", "no colon here", "line 1 is not 'Name: value'")]
    [InlineData("EXPORT_SOURCE_HEADERS", "A: 1\nBad Name: x", "line 2: 'Bad…' is not an HTTP header name")]
    [InlineData("EXPORT_SOURCE_HEADERS", "range: bytes=0-", "line 1: 'range' is set by the export itself")]
    [InlineData("EXPORT_SOURCE_HEADERS", "Content-Type: text/plain", "is set by the export itself")]
    [InlineData("EXPORT_SOURCE_HEADERS", "X-API-Key: k", "carries the API key; use EXPORT_SOURCE_API_KEY_PARAMETER")]
    public void Invalid_setting_is_named_with_what_is_wrong(string name, string value, string expected)
    {
        var message = Fail((name, value));
        Assert.Contains($"{name}: ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Header_errors_never_repeat_the_value()
    {
        var message = Fail(("EXPORT_SOURCE_HEADERS", "X-API-Key: hunter2"));
        Assert.DoesNotContain("hunter2", message);
    }

    [Fact]
    public void JSON_Lines_has_no_total_so_the_default_total_path_is_dropped_and_an_explicit_one_is_an_error()
    {
        Assert.Empty(Read(("EXPORT_SOURCE_FORMAT", "ndjson"), ("EXPORT_SOURCE_PAGING", "offset")).Source.Paging!.TotalPath);
        Assert.Contains("EXPORT_PAGE_TOTAL_PATH: 'total' cannot be read: EXPORT_SOURCE_FORMAT=ndjson",
            Fail(("EXPORT_SOURCE_FORMAT", "ndjson"), ("EXPORT_PAGE_TOTAL_PATH", "total")));
    }

    [Fact]
    public void Total_path_set_empty_pages_until_an_empty_page() =>
        Assert.Empty(Read(("EXPORT_SOURCE_PAGING", "offset"), ("EXPORT_PAGE_TOTAL_PATH", "")).Source.Paging!.TotalPath);
}
