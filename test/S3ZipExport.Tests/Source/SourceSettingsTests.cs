using System.Text;
using S3ZipExport.Export;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Source;

public class SourceSettingsTests
{
    private static readonly Dictionary<string, string?> Minimal = new()
    {
        ["EXPORT_SOURCE_URL"] = "https://connpass.com/api/v2/events/?ym=202611",
        ["EXPORT_BUCKET"] = "my-exports",
    };

    private static ExportPlan Read(params (string Name, string Value)[] changes)
    {
        var env = new Dictionary<string, string?>(Minimal);
        foreach (var (name, value) in changes) env[name] = value;
        return SettingsReader.Read(env, InvocationEvent.Parse(Encoding.UTF8.GetBytes("{}"), TimeProvider.System));
    }

    [Fact]
    public void Defaults_are_five_attempts_one_second_base_a_minute_of_silence_and_no_key()
    {
        var s = Read();
        Assert.Equal(5, s.Source.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), s.Source.RetryBase);
        Assert.Equal(TimeSpan.FromSeconds(60), s.Source.ReadTimeout);
        Assert.Null(s.Source.ApiKey.ParameterName);
        Assert.Null(s.Source.ApiKey.Value);
        Assert.Equal("X-API-Key", s.Source.ApiKey.Header);
        Assert.Null(s.Aws.SsmEndpoint);
    }

    [Theory]
    [InlineData("EXPORT_SOURCE_MAX_ATTEMPTS", "0", "from 1 to 20")]
    [InlineData("EXPORT_SOURCE_RETRY_BASE_MS", "-5", "whole number")]
    [InlineData("EXPORT_SOURCE_READ_TIMEOUT_SECONDS", "0", "from 1 to 900")]
    [InlineData("EXPORT_SOURCE_API_KEY_HEADER", "X API Key", "not an HTTP header name")]
    [InlineData("AWS_ENDPOINT_URL_SSM", "localhost:4583", "not an http(s) URL")]
    public void Invalid_source_setting_is_named_with_what_is_wrong(string name, string value, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => Read((name, value)));
        Assert.Contains($"{name}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Key_from_SSM_and_key_given_directly_are_not_both_allowed()
    {
        var e = Assert.Throws<SettingsException>(() => Read(("EXPORT_SOURCE_API_KEY_PARAMETER", "/p"), ("EXPORT_SOURCE_API_KEY", "k-secret")));
        Assert.Contains("not both", e.Message);
        Assert.DoesNotContain("k-secret", e.Message);
    }

    [Fact]
    public void Settings_printed_whole_do_not_show_the_key() =>
        Assert.DoesNotContain("k-secret", Read(("EXPORT_SOURCE_API_KEY", "k-secret")).ToString());
}
