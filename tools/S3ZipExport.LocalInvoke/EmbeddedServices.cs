using S3ZipExport.LocalServices;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// The stand-ins used when the environment names no source and no bucket: s3rver with one bucket and the demo
/// Connpass source, and the process environment pointed at them, as the Lambda console would set it. Without S3
/// (--discover, --preview), the demo source alone. For an export of several invocations (--slice-seconds), which reads
/// a document on from where the last invocation cut (Range with If-Range), the demo document is written to a file
/// first and served from it with byte ranges and an ETag; the file is deleted with the services.
/// </summary>
internal sealed class EmbeddedServices : IAsyncDisposable
{
    public const string Bucket = "exports";
    public const string AccessKey = "S3RVER";
    public const string Region = "us-east-1";
    // The long description makes the CSV most of the input, so the ZIP spans several multipart parts: streaming shows.
    public const string DefaultColumns = "id,title,catch,description,started_at,ended_at,url,Group=group.title,place,accepted,limit";

    private EmbeddedServices(S3rverProcess? s3, DemoSourceServer source, Uri sourceUrl, string? documentPath)
    {
        S3 = s3;
        Source = source;
        SourceUrl = sourceUrl;
        DocumentPath = documentPath;
    }

    /// <summary>Null when only the source was wanted.</summary>
    public S3rverProcess? S3 { get; }
    public DemoSourceServer Source { get; }
    public Uri SourceUrl { get; }

    /// <summary>The file the demo document is served from, when it was asked to be resumable; else null (generated as sent).</summary>
    public string? DocumentPath { get; }

    /// <summary>True when the environment sets neither EXPORT_SOURCE_URL nor EXPORT_BUCKET: nothing real to export to.</summary>
    public static bool AreWanted() =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("EXPORT_SOURCE_URL"))
        && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("EXPORT_BUCKET"));

    public static async Task<EmbeddedServices> StartAsync(double sizeMB, bool withS3, bool resumable, CancellationToken ct)
    {
        var s3 = withS3 ? await S3rverProcess.StartAsync(Bucket, ct) : null;
        string? document = null;
        DemoSourceServer source;
        try
        {
            if (resumable)
            {
                document = await WriteDocumentAsync(sizeMB, ct);
                source = await DemoSourceServer.ServeFileAsync(document, 0, ct: ct);
            }
            else source = await DemoSourceServer.StartAsync(0, ct: ct);
        }
        catch
        {
            if (document is not null) File.Delete(document);
            if (s3 is not null) await s3.DisposeAsync();
            throw;
        }
        var sourceUrl = document is null ? source.EventsUrl(sizeMB) : new Uri(source.Url, DemoSourceServer.EventsPath.TrimStart('/'));
        var services = new EmbeddedServices(s3, source, sourceUrl, document);

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

    /// <summary>The demo document of about <paramref name="sizeMB"/> MB in a file of this process's: in memory (/dev/shm) where there is one.</summary>
    private static async Task<string> WriteDocumentAsync(double sizeMB, CancellationToken ct)
    {
        var folder = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var path = Path.Combine(folder, $"s3zipexport-local-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}.json");
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await ConnpassDemoData.WriteAsync(file, (long)(sizeMB * ConnpassDemoData.BytesPerMB), ct);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        return path;
    }

    /// <summary>Deletes the demo document's file, if there is one; safe to call more than once, and from a signal handler.</summary>
    public void DeleteDocument()
    {
        if (DocumentPath is not null) File.Delete(DocumentPath);
    }

    private static void Set(string name, string? value) => Environment.SetEnvironmentVariable(name, value);

    private static void SetUnlessGiven(string name, string value)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name))) Set(name, value);
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        DeleteDocument();
        if (S3 is not null) await S3.DisposeAsync();
    }
}
