using System.Diagnostics;
using System.Text;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>What a program the tests ran printed and returned; <see cref="TimedOut"/> when it was killed.</summary>
internal sealed record ChildProcessResult(int ExitCode, string Stdout, string Stderr, bool TimedOut);

/// <summary>Runs a program (an archive reader, gzip, the local invoker) with no input, capturing both outputs.</summary>
internal static class ChildProcess
{
    /// <summary>Output is read as UTF-8; <paramref name="configure"/> may add environment variables. Killed after <paramref name="timeout"/>.</summary>
    public static async Task<ChildProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        Action<ProcessStartInfo>? configure = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        configure?.Invoke(start);

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ChildProcessResult(-1, await stdout, await stderr, TimedOut: true);
        }
        return new ChildProcessResult(process.ExitCode, await stdout, await stderr, TimedOut: false);
    }
}
