using System.Text;
using S3ZipExport.Telemetry;
using S3ZipExport.Tests.Source;

namespace S3ZipExport.Tests.Settings;

/// <summary>
/// No secret in a setting reaches any output, valid value or not: the error the handler throws (message and the
/// whole exception text the runtime prints) and every log line. Each case runs the real handler and fails before
/// any S3 request, so no S3 server is needed.
/// </summary>
public sealed class SecretRedactionTests
{
    private const string Secret = "S3CR3T-do-not-print";

    public static TheoryData<string, string, string> Leaky => new()
    {
        // setting, value, what the error must still name
        { "EXPORT_SOURCE_URL", $"ftp://host.example/path?ym=202611&api_key={Secret}", "ftp://host.example/…" },
        { "EXPORT_SOURCE_URL", $"gopher://host.example/1?token={Secret}", "gopher://host.example/…" },
        { "EXPORT_SOURCE_URL", $"ftp://user:{Secret}@host.example/", "ftp://host.example/…" },
        { "EXPORT_SOURCE_URL", $"news:{Secret}", "news:…" },
        { "EXPORT_SOURCE_URL", $"mailto:{Secret}@example.com", "mailto:…" },
        { "EXPORT_SOURCE_URL", $"file:///etc/{Secret}", "file:///…" },
        { "EXPORT_SOURCE_URL", $"ftp://host.example/{Secret}/events#{Secret}", "ftp://host.example/…" },
        { "EXPORT_SOURCE_URL", $"http//connpass.com/api/v2/events/?key={Secret}", "is not an absolute http(s) URL" },
        { "EXPORT_SOURCE_URL", $"connpass.com/api/v2/events/?api_key={Secret}", "'connpass.com…'" },
        { "EXPORT_SOURCE_URL", "connpass.com", "'connpass.com'" },
        { "EXPORT_SOURCE_URL", Secret, "a value of 19 characters" },
        { "EXPORT_SOURCE_URL", $"https://connpass.com/api/v2/events/?ym=202611 {Secret}", "URL 2" },
        { "EXPORT_SOURCE_URL", $"https://connpass.com/a?key=1 ftp://u:{Secret}@h.example/?token={Secret}", "URL 2 'ftp://h.example/…'" },
        { "EXPORT_SOURCE_URL", $"http://u:{Secret}@connpass.com/api/?api_key={Secret}#{Secret}", "'http://connpass.com/api/?api_key=REDACTED#REDACTED' is plain http" },
        { "AWS_ENDPOINT_URL_S3", $"ftp://u:{Secret}@s3.example/?X-Amz-Signature={Secret}", "AWS_ENDPOINT_URL_S3: 'ftp://s3.example/…'" },
        { "AWS_ENDPOINT_URL_S3", $"localhost:4568?secret={Secret}", "AWS_ENDPOINT_URL_S3" },
        { "AWS_ENDPOINT_URL_SSM", $"ssm.example/{Secret}", "AWS_ENDPOINT_URL_SSM: 'ssm.example…'" },
        { "EXPORT_SOURCE_API_KEY_HEADER", $"X-API-Key: {Secret}", "'X-API-Key…' is not an HTTP header name" },
        { "EXPORT_SOURCE_HEADERS", $"Authorization Bearer {Secret}: x", "line 1: 'Authorization…'" },
        { "EXPORT_SOURCE_HEADERS", $"X-Trace: 1\nAuthorization Bearer {Secret}", "line 2 is not 'Name: value'" },
        { "EXPORT_SOURCE_ALLOWED_ORIGINS", $"https://u:{Secret}@connpass.com/?k={Secret}", "EXPORT_SOURCE_ALLOWED_ORIGINS: 'https://connpass.com/…'" },
    };

    [Theory]
    [MemberData(nameof(Leaky))]
    public async Task A_secret_in_an_invalid_setting_reaches_no_output(string name, string value, string named)
    {
        var env = new Dictionary<string, string?>
        {
            ["EXPORT_SOURCE_URL"] = "https://connpass.com/api/v2/events/?ym=202611",
            ["EXPORT_BUCKET"] = "exports",
            [name] = value,
        };
        var (error, output) = await InvokeFailingAsync(env);
        Assert.Contains(named, error.Message);
        Assert.DoesNotContain(Secret, error.ToString());
        Assert.DoesNotContain(Secret, output);
    }

    public static TheoryData<string> ValidButSecret => new()
    {
        $"https://user:{Secret}@127.0.0.1:1/events?ym=202611&api_key={Secret}",
        $"https://127.0.0.1:1/events#access_token={Secret}",
        $"https://127.0.0.1:1/events?X-Amz-Credential={Secret}&Signature={Secret}&sessionToken={Secret}",
        $"https://127.0.0.1:1/events?%61pi%5Fkey={Secret}",   // api_key, percent-encoded
    };

    [Theory]
    [MemberData(nameof(ValidButSecret))]
    public async Task A_secret_in_a_valid_source_URL_that_cannot_be_reached_reaches_no_output(string url)
    {
        var env = new Dictionary<string, string?>
        {
            ["EXPORT_SOURCE_URL"] = url,
            ["EXPORT_BUCKET"] = "exports",
            ["EXPORT_SOURCE_MAX_ATTEMPTS"] = "2",
            ["EXPORT_SOURCE_RETRY_BASE_MS"] = "1",
        };
        var (error, output) = await InvokeFailingAsync(env);
        Assert.Contains("https://127.0.0.1:1/events", error.Message);
        Assert.Contains("could not be read", error.Message);
        Assert.DoesNotContain(Secret, error.ToString());
        Assert.DoesNotContain(Secret, output);
    }

    [Theory]
    [InlineData("https://u:p@h.example:8443/p/a?ym=1&api_key=k#f", "https://h.example:8443/p/a?ym=1&api_key=REDACTED#REDACTED")]
    [InlineData("https://h.example/p?ym=202611&start=1&count=100", "https://h.example/p?ym=202611&start=1&count=100")]
    [InlineData("HTTPS://h.example/p?Token=t&x", "https://h.example/p?Token=REDACTED&x")]
    [InlineData("ftp://h.example/p?ym=1&api_key=k", "ftp://h.example/…")]
    [InlineData("ftp://h.example", "ftp://h.example")]
    [InlineData("urn:isbn:123", "urn:…")]
    [InlineData("[::1]:8080/x", "[::1]:8080…")]
    [InlineData("", "(a value of 0 characters, shown only when it starts with http:// or https://)")]
    public void Redaction_keeps_what_locates_a_failure_and_nothing_that_may_be_a_secret(string text, string shown) =>
        Assert.Equal(shown, UrlRedaction.Redact(text));

    [Theory]
    [InlineData("https://u:p@h.example:8443/p/a?ym=1&k=v#f", "https://h.example:8443/…")]
    [InlineData("http://[bad/?k=v", "http://[bad/…")]
    [InlineData("https://h.example", "https://h.example")]
    public void An_invalid_value_is_shown_more_strictly_than_a_valid_one(string text, string shown) =>
        Assert.Equal(shown, UrlRedaction.RedactInvalid(text));

    private static async Task<(Exception Error, string Output)> InvokeFailingAsync(Dictionary<string, string?> env)
    {
        using var capture = new ConsoleCapture();
        var function = new Function(env, TimeProvider.System);
        var error = await Record.ExceptionAsync(() => function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes("{}"))));
        Assert.NotNull(error);
        return (error, capture.Text);
    }
}
