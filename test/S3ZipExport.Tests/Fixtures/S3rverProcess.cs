using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// One s3rver (the npm package pinned in the repository's package.json) running as a child node process on
/// 127.0.0.1, with its data directory on /dev/shm when that exists. Disposing kills it and deletes the data.
/// </summary>
public sealed partial class S3rverProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NpmCiTimeout = TimeSpan.FromMinutes(5);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private S3rverProcess(Process process, StringBuilder output, Uri endpoint, string dataDirectory)
    {
        _process = process;
        _output = output;
        Endpoint = endpoint;
        DataDirectory = dataDirectory;
    }

    /// <summary>Base address of s3rver itself, e.g. http://127.0.0.1:40123/ (path-style buckets).</summary>
    public Uri Endpoint { get; private set; }

    /// <summary>s3rver's store: one folder per bucket; see <see cref="S3rverUploadsFolder"/> for in-progress uploads.</summary>
    public string DataDirectory { get; }

    /// <summary>Everything s3rver printed so far (stdout and stderr); useful in assertion messages.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<S3rverProcess> StartAsync(IEnumerable<string> buckets, CancellationToken ct = default)
    {
        var root = FindRepositoryRoot();
        await EnsureNodeModulesAsync(root, ct);

        var dataDirectory = Path.Combine(
            Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"s3rver-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Port 0: the OS picks a free port and s3rver prints it, so there is no window in which another process takes it.
        foreach (var arg in new[] { S3rverScript(root), "--directory", dataDirectory, "--address", "127.0.0.1", "--port", "0", "--silent" })
            start.ArgumentList.Add(arg);
        foreach (var bucket in buckets)
        {
            start.ArgumentList.Add("--configure-bucket");
            start.ArgumentList.Add(bucket);
        }

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            var match = ListeningLine().Match(e.Data);
            if (match.Success) listening.TrySetResult(int.Parse(match.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (output) output.AppendLine(e.Data);
        };
        process.Exited += (_, _) => listening.TrySetException(
            new InvalidOperationException($"s3rver exited with code {process.ExitCode} before listening:\n{Snapshot(output)}"));

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var s3rver = new S3rverProcess(process, output, new Uri("http://127.0.0.1/"), dataDirectory);
        try
        {
            var port = await listening.Task.WaitAsync(StartTimeout, ct);
            s3rver.Endpoint = new Uri($"http://127.0.0.1:{port}/");
            return s3rver;
        }
        catch (TimeoutException)
        {
            await s3rver.DisposeAsync();
            throw new TimeoutException($"s3rver did not print its port within {StartTimeout}:\n{Snapshot(output)}");
        }
        catch
        {
            await s3rver.DisposeAsync();
            throw;
        }
    }

    /// <summary>The nearest ancestor of the test assembly's folder that holds package.json.</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No package.json above {AppContext.BaseDirectory}; s3rver is installed from it.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // The process never started or is already gone.
        }
        _process.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    private static string S3rverScript(string root) => Path.Combine(root, "node_modules", "s3rver", "bin", "s3rver.js");

    private static async Task EnsureNodeModulesAsync(string root, CancellationToken ct)
    {
        if (File.Exists(S3rverScript(root))) return;

        // Test assemblies of one repository may start at once (dotnet test runs them in parallel processes):
        // a file lock keeps two `npm ci` from deleting each other's node_modules.
        var lockPath = Path.Combine(Path.GetTempPath(), $"s3zipexport-npm-ci-{(uint)root.GetHashCode():x8}.lock");
        await using var fileLock = await AcquireFileLockAsync(lockPath, ct);
        if (File.Exists(S3rverScript(root))) return;

        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund" }) start.ArgumentList.Add(arg);
        using var npm = Process.Start(start)!;
        var stdout = npm.StandardOutput.ReadToEndAsync(ct);
        var stderr = npm.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(NpmCiTimeout);
        await npm.WaitForExitAsync(timeout.Token);
        if (npm.ExitCode != 0 || !File.Exists(S3rverScript(root)))
        {
            throw new InvalidOperationException(
                $"`npm ci` in {root} exited with {npm.ExitCode} and {S3rverScript(root)} is missing:\n{await stdout}\n{await stderr}");
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(200, ct);
            }
        }
    }

    private static string Snapshot(StringBuilder output) { lock (output) return output.ToString(); }

    [GeneratedRegex(@"S3rver listening on [^:]+:(\d+)")]
    private static partial Regex ListeningLine();
}
