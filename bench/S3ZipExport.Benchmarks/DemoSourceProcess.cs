using System.Diagnostics;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The demo Connpass source (tools/S3ZipExport.DemoSource, built beside this project) as a child process, so the
/// benchmark's memory and CPU figures are the exporter's alone. Its first stdout line is the base URL. With
/// <see cref="SourceMode.File"/> it sends the document saved in /dev/shm (<see cref="DemoDocumentFile"/>).
/// </summary>
internal sealed class DemoSourceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DemoSourceProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public Uri EventsUrl(double sizeMB) => DemoSourceServer.EventsUrl(Url, sizeMB);

    public static async Task<DemoSourceProcess> StartAsync(BenchOptions options, CancellationToken ct)
    {
        var file = options.Source == SourceMode.File ? await DemoDocumentFile.EnsureAsync(options.SizeMB, ct) : null;
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(RepositoryRoot.Find(), "tools", "S3ZipExport.DemoSource", "bin", configuration, "net10.0", "S3ZipExport.DemoSource.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"The demo source is not built at {dll}; build the benchmark project (it builds it).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--port", "0" }) start.ArgumentList.Add(arg);
        if (file is not null) { start.ArgumentList.Add("--file"); start.ArgumentList.Add(file); }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct)
                       ?? throw new InvalidOperationException($"The demo source exited with code {process.ExitCode} before printing its URL.");
            return new DemoSourceProcess(process, new Uri(line.Trim()));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
