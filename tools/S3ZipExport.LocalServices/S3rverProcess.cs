using System.Diagnostics;
using System.Text;
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

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly SemaphoreSlim NpmGate = new(1, 1);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private S3rverProcess(Process process, StringBuilder output, Uri endpoint, string dataDirectory)
    {
        _process = process;
        _output = output;
        Endpoint = endpoint;
        DataDirectory = dataDirectory;
    }

    /// <summary>The S3 endpoint for path-style requests, e.g. <c>http://127.0.0.1:41234/</c>. Any access key and secret work (S3RVER/S3RVER by convention).</summary>
    public Uri Endpoint { get; }

    /// <summary>Where s3rver keeps buckets and objects; deleted on dispose.</summary>
    public string DataDirectory { get; }

    public static async Task<S3rverProcess> StartAsync(string bucket, CancellationToken ct)
    {
        var root = RepositoryRoot.Find();
        var script = Path.Combine(root, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script)) await NpmCiAsync(root, script, ct);

        var dataDirectory = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"s3zipexport-s3rver-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,   // not inherited: the child must not read the caller's terminal
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, "--directory", dataDirectory, "--address", "127.0.0.1", "--port", "0", "--silent", "--configure-bucket", bucket })
            start.ArgumentList.Add(arg);

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            if (ListeningLine().Match(line) is { Success: true } m)
                listening.TrySetResult(new Uri($"http://{m.Groups["host"].Value}:{m.Groups["port"].Value}/"));
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException(
            $"s3rver exited with code {process.ExitCode} before listening:\n{Text(output)}"));

        try
        {
            if (!process.Start()) throw new InvalidOperationException("node could not be started.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Directory.Delete(dataDirectory, recursive: true);
            throw new InvalidOperationException($"s3rver needs Node.js: 'node' could not be started ({e.Message}).", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var endpoint = await listening.Task.WaitAsync(StartTimeout, ct);
            await WaitUntilAnswersAsync(endpoint, bucket, ct);
            return new S3rverProcess(process, output, endpoint, dataDirectory);
        }
        catch (TimeoutException e)
        {
            await StopAsync(process, dataDirectory);
            throw new TimeoutException($"s3rver did not become ready within {StartTimeout.TotalSeconds:0} s ({e.Message}):\n{Text(output)}", e);
        }
        catch
        {
            await StopAsync(process, dataDirectory);
            throw;
        }
    }

    /// <summary>s3rver prints its line before the bucket is surely configured; a HEAD on the bucket answering 200 is the ready signal.</summary>
    private static async Task WaitUntilAnswersAsync(Uri endpoint, string bucket, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(endpoint, bucket)), ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < StartTimeout) { }
            if (deadline.Elapsed >= StartTimeout)
                throw new TimeoutException($"s3rver at {endpoint} did not answer for bucket '{bucket}' within {StartTimeout.TotalSeconds:0} s.");
            await Task.Delay(100, ct);
        }
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

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    private int _disposed;

    /// <summary>Kills s3rver and deletes its data; safe to call more than once and from a signal handler.</summary>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? new(StopAsync(_process, DataDirectory)) : ValueTask.CompletedTask;

    private static async Task StopAsync(Process process, string dataDirectory)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }   // already gone
        finally
        {
            process.Dispose();
            try { Directory.Delete(dataDirectory, recursive: true); }
            catch (DirectoryNotFoundException) { }
        }
    }

    /// <summary>What s3rver printed so far (with --silent: its start line and any errors).</summary>
    public string Output => Text(_output);

    public override string ToString() => $"s3rver at {Endpoint} (data in {DataDirectory})";
}
