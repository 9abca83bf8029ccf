using System.Net.Http.Headers;
using S3ZipExport.Aws;

namespace S3ZipExport.Source;

/// <summary>
/// The export's data source: one GET whose body is read as it arrives, never buffered whole. Transient failures
/// are retried (<see cref="SourceRetryPipeline"/>), a dropped body is resumed (<see cref="ResumableHttpStream"/>),
/// and the API key (SSM or a local setting) is sent in its header but never logged.
/// </summary>
internal sealed class HttpSource
{
    public static readonly string UserAgent =
        $"S3ZipExport/{typeof(HttpSource).Assembly.GetName().Version?.ToString(3)} (+https://github.com/s3zipexport/s3zipexport)";

    // One client per process (a Lambda cold start): connection pooling across warm invocations.
    private static readonly HttpClient Client = CreateClient();

    private readonly SourceOptions _options;
    private readonly string? _apiKey;
    // One per export: every request of it, pages and retries included, keeps the minimum interval.
    private readonly RequestPacer _pacer;

    private HttpSource(SourceOptions options, string? apiKey)
    {
        _options = options;
        _apiKey = apiKey;
        _pacer = new RequestPacer(options.MinInterval);
    }

    /// <summary>
    /// Ask for bodies as stored (Accept-Encoding: identity), so that a byte offset in a body is one a later
    /// invocation can ask for with Range: an export of several invocations that reads whole documents needs that.
    /// </summary>
    public bool AsStored { get; init; }

    /// <summary>When the last answer ended (UTC), for the next invocation to keep the interval; null before any.</summary>
    public DateTimeOffset? LastAnswered => _pacer.LastAnsweredUtc;

    /// <summary>Keeps the interval from an answer an earlier invocation had.</summary>
    public void PaceFrom(DateTimeOffset? lastAnswered) => _pacer.SeedLastAnswered(lastAnswered);

    /// <summary>Whether the source is failing right now, and how (for a deadline that strikes while it retries).</summary>
    public SourceHealth Health { get; } = new();

    /// <summary>Requests sent so far: pages, retries and resumes.</summary>
    public int Requests => _pacer.Requests;

    /// <summary>Resolves the API key (from SSM once per process) so a missing parameter fails before anything starts.</summary>
    public static async Task<HttpSource> CreateAsync(SourceOptions options, AwsOptions aws, CancellationToken ct, bool asStored = false)
    {
        var key = options.ApiKey;
        var value = key.ParameterName is { } parameter
            ? await SsmParameterReader.GetAsync(parameter, aws, ct)
            : key.Value;
        return new HttpSource(options, value) { AsStored = asStored };
    }

    private static HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            // Decoding happens in ContentDecoding, above the resumable stream; redirects in SourceRequestSender,
            // which keeps the API key from following one to another origin.
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        // The whole export is one long body read: a per-request timeout would cut a healthy multi-GB download.
        // Stalls are caught per read instead (EXPORT_SOURCE_READ_TIMEOUT_SECONDS).
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Encoding", ContentDecoding.AcceptEncoding);
        return client;
    }

    /// <summary>
    /// Sends GET for <paramref name="url"/> (retrying transient failures) and returns the body once the headers arrived
    /// with a success status. <paramref name="origin"/>: the configured source URL it belongs to (a page's URL adds
    /// paging parameters), whose origin alone gets the API key. Each document has its own attempt budget.
    /// </summary>
    public async Task<SourceBody> OpenAsync(Uri url, Uri origin, CancellationToken ct, ResumePoint? from = null)
    {
        var sender = new SourceRequestSender(Client, _options, _apiKey, new AttemptBudget(_options.MaxAttempts), origin, _pacer, Health)
        {
            AsStored = AsStored,
        };
        var raw = await ResumableHttpStream.OpenAsync(sender, url, _options.ReadTimeout, from, ct);
        try
        {
            var validator = raw.ContentEncoding.All(c => c.Trim().Equals("identity", StringComparison.OrdinalIgnoreCase)) ? raw.ResumeValidator : null;
            return new SourceBody(ContentDecoding.Decode(raw, raw.ContentEncoding, url), raw.ContentType, validator);
        }
        catch
        {
            await raw.DisposeAsync();
            throw;
        }
    }
}
