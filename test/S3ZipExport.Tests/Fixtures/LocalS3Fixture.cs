using S3ZipExport.LocalServices;
using Amazon.S3;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// One s3rver and one <see cref="S3RecordingProxy"/> in front of it, shared by the tests of the "LocalS3"
/// collection (which xunit runs one at a time). The bucket <see cref="Bucket"/> exists from the start.
/// Call <see cref="Reset"/> in each test class's constructor.
/// </summary>
public sealed class LocalS3Fixture : IAsyncLifetime
{
    public const string Bucket = "exports";

    public S3rverProcess S3rver { get; private set; } = null!;
    public S3RecordingProxy Proxy { get; private set; } = null!;

    /// <summary>A client of the proxy with the SDK's default retries.</summary>
    public AmazonS3Client S3 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        S3rver = await S3rverProcess.StartAsync(Bucket, CancellationToken.None);
        Proxy = await S3RecordingProxy.StartAsync(S3rver);
        S3 = S3TestClient.Create(Proxy.Endpoint);
    }

    /// <summary>A fresh client of the proxy, e.g. with retries off (maxErrorRetry: 0) to see one injected fault.</summary>
    public AmazonS3Client CreateClient(int? maxErrorRetry = null) => S3TestClient.Create(Proxy.Endpoint, maxErrorRetry);

    /// <summary>Forgets recorded requests, removes the fault hook and removes every in-progress upload: a clean slate per test.</summary>
    public void Reset()
    {
        Proxy.Inject = null;
        Proxy.ClearRequests();
        Proxy.Uploads.DeleteAll();
    }

    public async Task DisposeAsync()
    {
        S3?.Dispose();
        if (Proxy is not null) await Proxy.DisposeAsync();
        if (S3rver is not null) await S3rver.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LocalS3Collection : ICollectionFixture<LocalS3Fixture>
{
    public const string Name = "LocalS3";
}
