using Amazon.Runtime;
using Amazon.S3;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// The S3 the end-to-end tests export to: one moto_server, the strict peer (it enforces S3's multipart rules and
/// If-None-Match, and has Abort and ListMultipartUploads), with one <see cref="S3RecordingProxy"/> in front of it
/// for recording and faults; moto's SSM is on the same endpoint. Shared by the tests of the "LocalS3" collection
/// (which xunit runs one at a time), which mark themselves <see cref="LocalS3FactAttribute"/> or
/// <see cref="LocalS3TheoryAttribute"/>, so that they are skipped, with the reason, where moto is not installed.
/// The bucket <see cref="Bucket"/> exists from the start. Call <see cref="Reset"/> in each test class's constructor.
/// (The local run and its tests use s3rver, embedded by tools/S3ZipExport.LocalInvoke.)
/// </summary>
public sealed class LocalS3Fixture : IAsyncLifetime
{
    public const string Bucket = "exports";

    /// <summary>Why the tests of this fixture cannot run here (moto_server is missing), or null.</summary>
    public static string? Unavailable => MotoServerProcess.Unavailable;

    public MotoServerProcess Moto { get; private set; } = null!;
    public S3RecordingProxy Proxy { get; private set; } = null!;

    /// <summary>A client of the proxy with the SDK's default retries.</summary>
    public AmazonS3Client S3 { get; private set; } = null!;

    /// <summary>A client of moto itself, past the proxy: not recorded, never faulted. For the tests' own checks.</summary>
    private AmazonS3Client _direct = null!;

    public async Task InitializeAsync()
    {
        if (Unavailable is not null) return;   // every test of the collection is skipped
        Moto = await MotoServerProcess.StartAsync(Bucket, CancellationToken.None);
        Proxy = await S3RecordingProxy.StartAsync(Moto.Endpoint);
        S3 = S3TestClient.Create(Proxy.Endpoint);
        _direct = S3TestClient.Create(Moto.Endpoint);
    }

    /// <summary>A fresh client of the proxy, e.g. with retries off (maxErrorRetry: 0) to see one injected fault.</summary>
    public AmazonS3Client CreateClient(int? maxErrorRetry = null) => S3TestClient.Create(Proxy.Endpoint, maxErrorRetry);

    /// <summary>
    /// Forgets recorded requests, removes the fault hook, and resets moto (objects, uploads, parameters gone; the
    /// bucket created again): a clean slate per test.
    /// </summary>
    public void Reset()
    {
        if (Proxy is null) return;
        Proxy.Inject = null;
        Proxy.ClearRequests();
        Moto.Reset(Bucket);
    }

    /// <summary>Stores a SecureString parameter in moto's SSM, as <c>aws ssm put-parameter --type SecureString</c> does.</summary>
    public async Task PutSecureStringAsync(string name, string value)
    {
        using var ssm = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials(S3TestClient.AccessKey, S3TestClient.AccessKey),
            new AmazonSimpleSystemsManagementConfig { ServiceURL = Moto.Endpoint.ToString(), AuthenticationRegion = "us-east-1" });
        await ssm.PutParameterAsync(new PutParameterRequest { Name = name, Value = value, Type = ParameterType.SecureString });
    }

    /// <summary>A failed export left no object at <paramref name="key"/> and no incomplete multipart upload, as moto itself lists them.</summary>
    public async Task AssertNothingLeftAsync(string key)
    {
        Assert.False(await _direct.ObjectExistsAsync(Bucket, key), $"s3://{Bucket}/{key} should not exist");
        await AssertNoUploadLeftAsync();
    }

    /// <summary>moto's ListMultipartUploads shows no upload of the bucket that was neither completed nor aborted.</summary>
    public async Task AssertNoUploadLeftAsync() =>
        Assert.Empty(await _direct.ListIncompleteUploadsAsync(Bucket));

    public async Task DisposeAsync()
    {
        S3?.Dispose();
        _direct?.Dispose();
        if (Proxy is not null) await Proxy.DisposeAsync();
        if (Moto is not null) await Moto.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LocalS3Collection : ICollectionFixture<LocalS3Fixture>
{
    public const string Name = "LocalS3";
}

/// <summary>A test of the "LocalS3" collection: skipped, with the reason, where <see cref="LocalS3Fixture"/> cannot start.</summary>
public sealed class LocalS3FactAttribute : FactAttribute
{
    public LocalS3FactAttribute()
    {
        if (LocalS3Fixture.Unavailable is { } reason) Skip = reason;
    }
}

/// <summary>A theory of the "LocalS3" collection: skipped, with the reason, where <see cref="LocalS3Fixture"/> cannot start.</summary>
public sealed class LocalS3TheoryAttribute : TheoryAttribute
{
    public LocalS3TheoryAttribute()
    {
        if (LocalS3Fixture.Unavailable is { } reason) Skip = reason;
    }
}
