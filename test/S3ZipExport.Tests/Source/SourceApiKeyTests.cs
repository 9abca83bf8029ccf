using S3ZipExport.Source;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;
using static S3ZipExport.Tests.Source.SourceExport;

namespace S3ZipExport.Tests.Source;

/// <summary>The API key reaches the source in its header, from SSM or a local setting, and nowhere else: not stdout, not errors.</summary>
[Collection(LocalS3Collection.Name)]
public sealed class SourceApiKeyTests : IAsyncLifetime
{
    private static readonly byte[] Body = Events(5);
    private readonly LocalS3Fixture _s3;
    private SourceServer _source = null!;

    public SourceApiKeyTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    public async Task InitializeAsync() => _source = await SourceServer.StartAsync();
    public async Task DisposeAsync() => await _source.DisposeAsync();

    /// <summary>The function's SSM calls go through the recording proxy to moto's SSM.</summary>
    private IReadOnlyList<RecordedRequest> SsmCalls =>
        _s3.Proxy.Requests.Where(r => r.Headers.GetValueOrDefault("x-amz-target", "").StartsWith("AmazonSSM.", StringComparison.Ordinal)).ToList();

    /// <summary>A source that wants <paramref name="key"/> in <paramref name="header"/>, after one 503 so a retry is logged too.</summary>
    private void MapKeyedSource(string header, string key)
    {
        var serve = FailingFirst(1, Status(503), Body);
        _source.Map("/events", context => context.Request.Headers[header] == key ? serve(context) : Status(401)(context));
    }

    [LocalS3Fact]
    public async Task Key_from_SSM_is_sent_in_the_header_fetched_once_and_never_printed()
    {
        var key = "ssm-" + Guid.NewGuid().ToString("N");
        var parameter = $"/s3zipexport/tests/{Guid.NewGuid():N}";   // the cache is per process and per name
        await _s3.PutSecureStringAsync(parameter, key);
        MapKeyedSource("X-API-Key", key);
        var env = Environment(_s3, _source.Url("/events"), "tests/ssm-key.zip",
            ("EXPORT_SOURCE_API_KEY_PARAMETER", parameter), ("AWS_ENDPOINT_URL_SSM", _s3.Proxy.Endpoint.ToString()));

        using (var stdout = new ConsoleCapture())
        {
            await ExportRun.InvokeAsync(env);
            await ExportRun.InvokeAsync(env);   // a warm invocation uses the cached key
            Assert.Contains("retrying", stdout.Text);
            Assert.DoesNotContain(key, stdout.Text);
        }

        var call = Assert.Single(SsmCalls);
        Assert.Equal(("AmazonSSM.GetParameter", 200), (call.Headers["x-amz-target"], call.StatusCode));
        // The name and WithDecryption are checked by moto's answer: an unknown name is ParameterNotFound, and without
        // decryption a SecureString comes back as "kms:alias/aws/ssm:<value>", which the source would refuse (401).
        Assert.All(_source.Requests, r => Assert.Equal(key, r.Headers["x-api-key"]));
        Assert.True(await _s3.S3.ObjectExistsAsync(LocalS3Fixture.Bucket, "tests/ssm-key.zip"));
    }

    [LocalS3Fact]
    public async Task Key_from_the_local_setting_goes_in_the_named_header_and_not_into_logs_or_errors()
    {
        const string key = "Bearer local-s3cr3t-value";
        MapKeyedSource("Authorization", key);
        _source.Map("/refusing", Status(403));
        var env = Environment(_s3, _source.Url("/events"), "tests/local-key.zip",
            ("EXPORT_SOURCE_API_KEY", key), ("EXPORT_SOURCE_API_KEY_HEADER", "Authorization"));
        var failing = Environment(_s3, _source.Url("/refusing?ym=1"), "tests/local-key-fail.zip",
            ("EXPORT_SOURCE_API_KEY", key), ("EXPORT_SOURCE_API_KEY_HEADER", "Authorization"));

        using var stdout = new ConsoleCapture();
        await ExportRun.InvokeAsync(env);
        var e = await Assert.ThrowsAsync<SourceException>(() => ExportRun.InvokeAsync(failing));

        Assert.Contains("HTTP 403", e.Message);
        await AssertNothingLeftAsync(_s3, "tests/local-key-fail.zip");
        Assert.DoesNotContain("s3cr3t", e.ToString());
        Assert.DoesNotContain("s3cr3t", stdout.Text);
        Assert.All(_source.Requests, r => Assert.Equal(key, r.Headers["authorization"]));
        Assert.Contains("retrying", stdout.Text);
    }

    [LocalS3Fact]
    public async Task Key_does_not_follow_a_redirect_to_another_origin()
    {
        await using var elsewhere = await SourceServer.StartAsync();
        elsewhere.MapBytes("/events", Body);
        _source.Map("/events", context =>
        {
            context.Response.Redirect(elsewhere.Url("/events").ToString());
            return Task.CompletedTask;
        });

        await ExportRun.InvokeAsync(Environment(_s3, _source.Url("/events"), "tests/redirect.zip", ("EXPORT_SOURCE_API_KEY", "k-123")));

        Assert.Equal("k-123", Assert.Single(_source.Requests).Headers["x-api-key"]);
        Assert.False(Assert.Single(elsewhere.Requests).Headers.ContainsKey("x-api-key"));
    }

    [LocalS3Fact]
    public async Task Missing_SSM_parameter_fails_by_name_before_any_upload()
    {
        _source.MapBytes("/events", Body);
        var env = Environment(_s3, _source.Url("/events"), "tests/no-parameter.zip",
            ("EXPORT_SOURCE_API_KEY_PARAMETER", "/s3zipexport/tests/absent"), ("AWS_ENDPOINT_URL_SSM", _s3.Proxy.Endpoint.ToString()));

        var e = await Assert.ThrowsAsync<SourceException>(() => ExportRun.InvokeAsync(env));

        Assert.Contains("EXPORT_SOURCE_API_KEY_PARAMETER", e.Message);
        Assert.Contains("'/s3zipexport/tests/absent' does not exist", e.Message);
        Assert.Empty(_source.Requests);
        Assert.Equal(400, Assert.Single(SsmCalls).StatusCode);
        Assert.DoesNotContain(_s3.Proxy.Requests, r => r.Operation == S3Operation.CreateMultipartUpload);
        await AssertNothingLeftAsync(_s3, "tests/no-parameter.zip");
    }
}
