using System.Text.Json;
using S3ZipExport.Settings;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using static S3ZipExport.Tests.Source.SourceExport;

namespace S3ZipExport.Tests.Source;

/// <summary>
/// Whoever may invoke the function is not whoever deployed it: a manual payload cannot send the deployer's API key
/// or headers to an origin of its choosing, nor choose which secret is read, where the object goes, or which
/// origins are allowed. Two real sources on two ports are two origins: the deployed one and the caller's.
/// </summary>
[Collection(LocalS3Collection.Name)]
public sealed class SourceOriginTests : IAsyncLifetime
{
    private const string Key = "deployers-k3y";
    private static readonly byte[] Body = Events(3);
    private readonly LocalS3Fixture _s3;
    private SourceServer _deployed = null!, _callers = null!;

    public SourceOriginTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync()
    {
        _deployed = await SourceServer.StartAsync();
        _callers = await SourceServer.StartAsync();
        foreach (var server in new[] { _deployed, _callers })
        {
            server.MapBytes("/events", Body);
            server.MapBytes("/other", Body);
        }
    }

    public async Task DisposeAsync()
    {
        await _deployed.DisposeAsync();
        await _callers.DisposeAsync();
    }

    private Dictionary<string, string?> Deployed(params (string Name, string Value)[] extra) =>
        Environment(_s3, _deployed.Url("/events"), "tests/origin.zip", extra);

    private static string Payload(params (string Name, string Value)[] overrides) =>
        JsonSerializer.Serialize(overrides.ToDictionary(o => o.Name, o => o.Value));

    [LocalS3Fact]
    public async Task A_payload_cannot_send_the_deployed_key_to_another_origin()
    {
        var e = await Assert.ThrowsAsync<SettingsException>(() =>
            ExportRun.InvokeAsync(Deployed(("EXPORT_SOURCE_API_KEY", Key)), Payload(("EXPORT_SOURCE_URL", _callers.Url("/events").ToString()))));

        Assert.Contains("not an allowed origin", e.Message);
        Assert.Contains(_callers.BaseAddress.GetLeftPart(UriPartial.Authority), e.Message);
        Assert.Contains("API key (EXPORT_SOURCE_API_KEY)", e.Message);
        Assert.Contains("EXPORT_SOURCE_ALLOWED_ORIGINS", e.Message);
        Assert.Empty(_callers.Requests);
        Assert.Empty(_deployed.Requests);
        Assert.Empty(_s3.Proxy.Requests);
    }

    [LocalS3Fact]
    public async Task A_payload_cannot_send_the_key_from_the_parameter_elsewhere_and_the_parameter_is_not_even_read()
    {
        // The SSM endpoint is a recording server: any read of the parameter would show up as a request there.
        await using var ssm = await SourceServer.StartAsync();
        var env = Deployed(("EXPORT_SOURCE_API_KEY_PARAMETER", "/s3zipexport/key"), ("AWS_ENDPOINT_URL_SSM", ssm.BaseAddress.ToString()));

        var e = await Assert.ThrowsAsync<SettingsException>(() =>
            ExportRun.InvokeAsync(env, Payload(("EXPORT_SOURCE_URL", $"{_deployed.Url("/events")} {_callers.Url("/events")}"))));

        Assert.Contains("API key (EXPORT_SOURCE_API_KEY_PARAMETER)", e.Message);
        Assert.Empty(ssm.Requests);
        Assert.Empty(_callers.Requests);
        Assert.Empty(_deployed.Requests);
    }

    [LocalS3Fact]
    public async Task A_payload_cannot_send_the_deployed_headers_to_another_origin()
    {
        var e = await Assert.ThrowsAsync<SettingsException>(() =>
            ExportRun.InvokeAsync(Deployed(("EXPORT_SOURCE_HEADERS", "X-Tenant: acme")), Payload(("EXPORT_SOURCE_URL", _callers.Url("/events").ToString()))));

        Assert.Contains("EXPORT_SOURCE_HEADERS go only to the origins it was deployed for", e.Message);
        Assert.Empty(_callers.Requests);
    }

    [LocalS3Fact]
    public async Task A_payload_may_change_the_path_and_query_on_the_deployed_origin_and_the_key_goes_there()
    {
        var summary = await ExportRun.InvokeAsync(Deployed(("EXPORT_SOURCE_API_KEY", Key)), Payload(("EXPORT_SOURCE_URL", _deployed.Url("/other?ym=202611").ToString())));

        Assert.Equal(3, summary.GetProperty("records").GetInt64());
        var request = Assert.Single(_deployed.Requests);
        Assert.Equal("/other", request.Path);
        Assert.Equal(Key, request.Headers["x-api-key"]);
    }

    [LocalS3Fact]
    public async Task An_origin_the_deployer_allows_may_be_named_by_a_payload()
    {
        var env = Deployed(("EXPORT_SOURCE_API_KEY", Key), ("EXPORT_SOURCE_ALLOWED_ORIGINS", _callers.BaseAddress.GetLeftPart(UriPartial.Authority)));

        await ExportRun.InvokeAsync(env, Payload(("EXPORT_SOURCE_URL", _callers.Url("/events").ToString())));

        Assert.Equal(Key, Assert.Single(_callers.Requests).Headers["x-api-key"]);
    }

    [LocalS3Fact]
    public async Task With_allowed_origins_set_a_payload_keeps_to_them_even_without_a_key()
    {
        await using var third = await SourceServer.StartAsync();
        var env = Deployed(("EXPORT_SOURCE_ALLOWED_ORIGINS", _callers.BaseAddress.GetLeftPart(UriPartial.Authority)));

        var e = await Assert.ThrowsAsync<SettingsException>(() => ExportRun.InvokeAsync(env, Payload(("EXPORT_SOURCE_URL", third.Url("/events").ToString()))));

        Assert.Contains("allows only the origins in EXPORT_SOURCE_ALLOWED_ORIGINS", e.Message);
        Assert.Empty(third.Requests);
    }

    [LocalS3Fact]
    public async Task Without_a_deployed_key_or_headers_a_payload_may_export_another_origin_with_its_own_key()
    {
        await ExportRun.InvokeAsync(Deployed(), Payload(("EXPORT_SOURCE_URL", _callers.Url("/events").ToString()), ("EXPORT_SOURCE_API_KEY", "callers-own")));

        Assert.Equal("callers-own", Assert.Single(_callers.Requests).Headers["x-api-key"]);
        Assert.Empty(_deployed.Requests);
    }

    [LocalS3Theory]
    [InlineData("EXPORT_SOURCE_API_KEY_PARAMETER", "/someone/elses/secret")]
    [InlineData("EXPORT_SOURCE_API_KEY_HEADER", "X-Forwarded-For")]
    [InlineData("EXPORT_SOURCE_ALLOWED_ORIGINS", "https://attacker.example")]
    [InlineData("EXPORT_BUCKET", "someone-elses-bucket")]
    [InlineData("AWS_ENDPOINT_URL_S3", "https://attacker.example")]
    [InlineData("EXPORT_ALLOW_HTTP", "true")]
    public async Task Settings_that_belong_to_the_deployer_cannot_be_set_by_a_payload(string name, string value)
    {
        var e = await Assert.ThrowsAsync<SettingsException>(() => ExportRun.InvokeAsync(Deployed(("EXPORT_SOURCE_API_KEY", Key)), Payload((name, value))));

        Assert.Contains($"'{name}', which only the function's environment may set", e.Message);
        Assert.Empty(_deployed.Requests);
    }
}
