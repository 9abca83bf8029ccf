using S3ZipExport.LocalServices;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// The stand-ins used when the environment names no source and no bucket: s3rver with one bucket and the demo
/// Connpass source, and the process environment pointed at them, as the Lambda console would set it. Without S3
/// (--discover, --preview), the demo source alone.
/// </summary>
internal sealed class EmbeddedServices : IAsyncDisposable
{
    public const string Bucket = "exports";
    public const string AccessKey = "S3RVER";
    public const string Region = "us-east-1";
    // The long description makes the CSV most of the input, so the ZIP spans several multipart parts: streaming shows.
    public const string DefaultColumns = "id,title,catch,description,started_at,ended_at,url,Group=group.title,place,accepted,limit";

    private EmbeddedServices(S3rverProcess? s3, DemoSourceServer source, Uri sourceUrl)
    {
        S3 = s3;
        Source = source;
        SourceUrl = sourceUrl;
    }

    /// <summary>Null when only the source was wanted.</summary>
    public S3rverProcess? S3 { get; }
    public DemoSourceServer Source { get; }
    public Uri SourceUrl { get; }

    /// <summary>True when the environment sets neither EXPORT_SOURCE_URL nor EXPORT_BUCKET: nothing real to export to.</summary>
    public static bool AreWanted() =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("EXPORT_SOURCE_URL"))
        && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("EXPORT_BUCKET"));

    public static async Task<EmbeddedServices> StartAsync(double sizeMB, bool withS3, CancellationToken ct)
    {
        var s3 = withS3 ? await S3rverProcess.StartAsync(Bucket, ct) : null;
        DemoSourceServer source;
        try { source = await DemoSourceServer.StartAsync(0, ct); }
        catch
        {
            if (s3 is not null) await s3.DisposeAsync();
            throw;
        }
        var services = new EmbeddedServices(s3, source, source.EventsUrl(sizeMB));

        Set("EXPORT_SOURCE_URL", services.SourceUrl.ToString());
        Set("EXPORT_ALLOW_HTTP", "true");
        if (s3 is not null)
        {
            Set("AWS_ENDPOINT_URL_S3", s3.Endpoint.ToString());
            Set("EXPORT_BUCKET", Bucket);
            Set("AWS_ACCESS_KEY_ID", AccessKey);
            Set("AWS_SECRET_ACCESS_KEY", AccessKey);
            Set("AWS_SESSION_TOKEN", null);   // a real session token in the shell would pair with the wrong keys
            Set("AWS_REGION", Region);
        }
        // Tunable ones keep a value the shell gives them.
        SetUnlessGiven("EXPORT_COLUMNS", DefaultColumns);
        SetUnlessGiven("EXPORT_PROGRESS_SECONDS", "1");
        return services;
    }

    private static void Set(string name, string? value) => Environment.SetEnvironmentVariable(name, value);

    private static void SetUnlessGiven(string name, string value)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name))) Set(name, value);
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        if (S3 is not null) await S3.DisposeAsync();
    }
}
