using System.Diagnostics;
using System.Text.RegularExpressions;

namespace S3ZipExport.LocalServices;

/// <summary>
/// moto's server (moto_server, from the Python package <c>moto[server]</c>) as a child process on 127.0.0.1 with a
/// free port: an emulator of S3 and SSM, among others, on one endpoint, which keeps everything in memory. It enforces
/// S3 rules s3rver does not (EntityTooSmall at Complete, If-None-Match, Abort and ListMultipartUploads). Any access
/// key works. Dispose kills it; it also exits by itself within a second when the process that started it dies.
/// </summary>
public sealed partial class MotoServerProcess : IAsyncDisposable
{
    // werkzeug's start line; with -p 0 it names the port the system picked.
    [GeneratedRegex(@"Running on http://(?<host>[^\s:/]+):(?<port>\d+)")]
    private static partial Regex ListeningLine();

    // moto_server's own main(), plus a watchdog: a test host that is killed cannot dispose this, so the server
    // exits once its parent is gone (its parent process id changes) rather than outlive the run.
    private const string Launcher =
        "import os, sys, threading, time\n" +
        "parent = os.getppid()\n" +
        "def watch():\n" +
        "    while os.getppid() == parent: time.sleep(0.5)\n" +
        "    os._exit(0)\n" +
        "threading.Thread(target=watch, daemon=True).start()\n" +
        "from moto.server import main\n" +
        "main(sys.argv[1:])\n";

    private static readonly string[] Modules = ["moto.server", "flask", "flask_cors"];

    private readonly ServerProcess _server;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private MotoServerProcess(ServerProcess server, string python)
    {
        _server = server;
        Python = python;
    }

    /// <summary>Why moto_server cannot be started here, or null when a Python with <c>moto[server]</c> was found.</summary>
    public static string? Unavailable => PythonInterpreter.Find(Modules).Missing is { } missing
        ? $"moto_server is not installed: {missing}. scripts/test.sh tries `python3 -m pip install 'moto[server]'`."
        : null;

    /// <summary>moto's endpoint for every service it emulates (path-style for S3), e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint => _server.Endpoint;

    /// <summary>The interpreter that runs it.</summary>
    public string Python { get; }

    /// <summary>Starts moto_server and creates <paramref name="bucket"/> (us-east-1).</summary>
    public static async Task<MotoServerProcess> StartAsync(string bucket, CancellationToken ct)
    {
        var python = PythonInterpreter.Find(Modules).Path ?? throw new InvalidOperationException(Unavailable);
        var start = new ProcessStartInfo(python);
        foreach (var arg in new[] { "-c", Launcher, "--host", "127.0.0.1", "--port", "0" }) start.ArgumentList.Add(arg);
        start.Environment["PYTHONUNBUFFERED"] = "1";
        // moto lowers S3's 5 MiB minimum part size when this is set; the tests want the real rule.
        start.Environment.Remove("S3_UPLOAD_PART_MIN_SIZE");

        var server = await ServerProcess.StartAsync("moto_server", start, ListeningLine(),
            async (http, endpoint, token) => await CreateBucketAsync(http, endpoint, bucket, token),
            missingProgram: "Python with moto[server]", cleanup: null, ct);
        return new MotoServerProcess(server, python);
    }

    /// <summary>
    /// Forgets everything moto holds, in every service (objects, multipart uploads, parameters), and creates
    /// <paramref name="bucket"/> again. Synchronous, for test class constructors.
    /// </summary>
    public void Reset(string bucket)
    {
        using (var reset = _http.Send(new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, "moto-api/reset"))))
            reset.EnsureSuccessStatusCode();
        using var create = _http.Send(new HttpRequestMessage(HttpMethod.Put, new Uri(Endpoint, bucket)));
        create.EnsureSuccessStatusCode();
    }

    // moto accepts requests without a signature; CreateBucket in us-east-1 needs no body.
    private static async Task<bool> CreateBucketAsync(HttpClient http, Uri endpoint, string bucket, CancellationToken ct)
    {
        using var response = await http.PutAsync(new Uri(endpoint, bucket), content: null, ct);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Kills moto_server; everything it held is gone with it.</summary>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>What moto_server printed so far: its start line and one line per request.</summary>
    public string Output => _server.Output;

    public override string ToString() => $"moto_server at {Endpoint} ({Python})";
}
