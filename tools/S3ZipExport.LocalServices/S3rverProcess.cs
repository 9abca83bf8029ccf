using System.Diagnostics;
using System.Text.RegularExpressions;

namespace S3ZipExport.LocalServices;

/// <summary>
/// s3rver (the npm package pinned in the root package.json) as a child process on 127.0.0.1 with a free port, one
/// bucket, and a data folder in memory (/dev/shm) when there is one. Runs <c>npm ci</c> first when node_modules
/// lacks s3rver, so a fresh clone works. Dispose kills the process and deletes the data folder.
/// </summary>
public sealed partial class S3rverProcess : IAsyncDisposable
{
    // s3rver's CLI prints this once it listens; with -p 0 it is the only way to learn the port without a race.
    [GeneratedRegex(@"S3rver listening on (?<host>[^\s:]+):(?<port>\d+)")]
    private static partial Regex ListeningLine();

    private static readonly SemaphoreSlim NpmGate = new(1, 1);

    private readonly ServerProcess _server;

    private S3rverProcess(ServerProcess server, string dataDirectory)
    {
        _server = server;
        DataDirectory = dataDirectory;
    }

    /// <summary>The S3 endpoint for path-style requests, e.g. <c>http://127.0.0.1:41234/</c>. Any access key and secret work (S3RVER/S3RVER by convention).</summary>
    public Uri Endpoint => _server.Endpoint;

    /// <summary>Where s3rver keeps buckets and objects; deleted on dispose.</summary>
    public string DataDirectory { get; }

    public static async Task<S3rverProcess> StartAsync(string bucket, CancellationToken ct)
    {
        var root = RepositoryRoot.Find();
        var script = Path.Combine(root, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script)) await NpmCiAsync(root, script, ct);

        var dataDirectory = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"s3zipexport-s3rver-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);

        var start = new ProcessStartInfo("node") { WorkingDirectory = root };
        foreach (var arg in new[] { script, "--directory", dataDirectory, "--address", "127.0.0.1", "--port", "0", "--silent", "--configure-bucket", bucket })
            start.ArgumentList.Add(arg);

        // s3rver prints its line before the bucket is surely configured; a HEAD on the bucket answering 200 is the ready signal.
        var server = await ServerProcess.StartAsync("s3rver", start, ListeningLine(),
            async (http, endpoint, token) =>
            {
                using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(endpoint, bucket)), token);
                return response.IsSuccessStatusCode;
            },
            missingProgram: "Node.js", cleanup: () => DeleteData(dataDirectory), ct);
        return new S3rverProcess(server, dataDirectory);
    }

    private static async Task NpmCiAsync(string root, string script, CancellationToken ct)
    {
        await NpmGate.WaitAsync(ct);
        try
        {
            if (File.Exists(script)) return;
            var start = new ProcessStartInfo("npm") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "ci", "--no-audit", "--no-fund" }) start.ArgumentList.Add(arg);
            using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm could not be started.");
            var stdout = npm.StandardOutput.ReadToEndAsync(ct);
            var stderr = npm.StandardError.ReadToEndAsync(ct);
            await npm.WaitForExitAsync(ct);
            if (npm.ExitCode != 0 || !File.Exists(script))
                throw new InvalidOperationException($"'npm ci' in {root} failed (exit {npm.ExitCode}); s3rver is needed for local runs:\n{await stdout}{await stderr}");
        }
        finally
        {
            NpmGate.Release();
        }
    }

    private static void DeleteData(string dataDirectory)
    {
        try { Directory.Delete(dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>Kills s3rver and deletes its data; safe to call more than once and from a signal handler.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>What s3rver printed so far (with --silent: its start line and any errors).</summary>
    public string Output => _server.Output;

    public override string ToString() => $"s3rver at {Endpoint} (data in {DataDirectory})";
}
