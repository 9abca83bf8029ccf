using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace S3ZipExport.LocalServices;

/// <summary>
/// A local server run as a child process (s3rver, moto_server): started on port 0 so the system picks a free port,
/// known to listen once it prints a line naming its address, ready once a probe of the caller's says so. Dispose
/// kills its process tree; a cleanup action given at start runs then too, and also when the start fails.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly Action? _cleanup;
    private int _disposed;

    private ServerProcess(Process process, StringBuilder output, Uri endpoint, Action? cleanup)
    {
        _process = process;
        _output = output;
        Endpoint = endpoint;
        _cleanup = cleanup;
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>What the server printed so far, both streams.</summary>
    public string Output => Text(_output);

    /// <summary>
    /// Starts <paramref name="start"/> (its outputs and input are redirected here) and waits until a line matches
    /// <paramref name="listeningLine"/>, whose groups <c>host</c> and <c>port</c> give the address, then until
    /// <paramref name="isReady"/> answers true for it. <paramref name="name"/> and <paramref name="missingProgram"/>
    /// word the errors: what the server is, and what to install when the program cannot be started at all.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string name, ProcessStartInfo start, Regex listeningLine,
        Func<HttpClient, Uri, CancellationToken, Task<bool>> isReady, string missingProgram, Action? cleanup, CancellationToken ct)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;   // not inherited: the child must not read the caller's terminal
        start.UseShellExecute = false;

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            if (listeningLine.Match(line) is { Success: true } m)
                listening.TrySetResult(new Uri($"http://{m.Groups["host"].Value}:{m.Groups["port"].Value}/"));
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException(
            $"{name} exited with code {process.ExitCode} before listening:\n{Text(output)}"));

        try
        {
            if (!process.Start()) throw new InvalidOperationException($"{start.FileName} could not be started.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            cleanup?.Invoke();
            throw new InvalidOperationException($"{name} needs {missingProgram}: '{start.FileName}' could not be started ({e.Message}).", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var endpoint = await listening.Task.WaitAsync(StartTimeout, ct);
            await WaitUntilReadyAsync(name, endpoint, isReady, ct);
            return new ServerProcess(process, output, endpoint, cleanup);
        }
        catch (TimeoutException e)
        {
            await StopAsync(process, cleanup);
            throw new TimeoutException($"{name} did not become ready within {StartTimeout.TotalSeconds:0} s ({e.Message}):\n{Text(output)}", e);
        }
        catch
        {
            await StopAsync(process, cleanup);
            throw;
        }
    }

    /// <summary>A server may print its line before it answers as it should; the probe answering true is the ready signal.</summary>
    private static async Task WaitUntilReadyAsync(string name, Uri endpoint, Func<HttpClient, Uri, CancellationToken, Task<bool>> isReady, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await isReady(http, endpoint, ct)) return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < StartTimeout) { }
            if (deadline.Elapsed >= StartTimeout)
                throw new TimeoutException($"{name} at {endpoint} did not answer as ready within {StartTimeout.TotalSeconds:0} s.");
            await Task.Delay(100, ct);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    /// <summary>Kills the server and runs the cleanup; safe to call more than once and from a signal handler.</summary>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? new(StopAsync(_process, _cleanup)) : ValueTask.CompletedTask;

    private static async Task StopAsync(Process process, Action? cleanup)
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
            cleanup?.Invoke();
        }
    }
}
