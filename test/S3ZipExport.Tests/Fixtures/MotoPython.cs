using System.Diagnostics;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// The Python that has moto 5.2+ (with the Step Functions interpreter) and boto3: <c>python3</c> on PATH, else
/// pyenv's shim in $HOME/.pyenv/shims. Looked for once a test run; the one place tests find it.
/// </summary>
internal static class MotoPython
{
    private static readonly Lazy<(string? Path, string Reason)> Found = new(Find);

    /// <summary>The interpreter's path, or null when no candidate has moto.</summary>
    public static string? Path => Found.Value.Path;

    /// <summary>Why <see cref="Path"/> is null: each candidate and what it lacked.</summary>
    public static string MissingReason => Found.Value.Reason;

    // Cheap on purpose, it runs at test discovery: finds the packages without importing moto (about a second).
    private const string Probe = """
        import importlib.metadata as m, importlib.util as u, sys
        missing = [p for p in ("moto", "boto3", "antlr4", "jsonpath_ng") if u.find_spec(p) is None]
        if missing: sys.exit("lacks " + ", ".join(missing))
        v = m.version("moto")
        if tuple(int(x) for x in v.split(".")[:2]) < (5, 2): sys.exit("has moto " + v + ", needs 5.2 or newer")
        """;

    private static (string?, string) Find()
    {
        var reasons = new List<string>();
        foreach (var candidate in Candidates())
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(candidate, ["-c", Probe])
                {
                    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                })!;
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
                {
                    process.Kill(entireProcessTree: true);
                    reasons.Add($"{candidate}: did not answer in 20 s");
                    continue;
                }
                if (process.ExitCode == 0) return (candidate, "");
                reasons.Add($"{candidate}: {stderr.Result.Trim()}");
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                reasons.Add($"{candidate}: {e.Message}");
            }
        }
        return (null, "no Python with moto 5.2 and boto3 (" + (reasons.Count == 0 ? "no python3 found" : string.Join("; ", reasons)) + ")");
    }

    private static IEnumerable<string> Candidates()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, "python3"))
            .FirstOrDefault(File.Exists);
        if (onPath is not null) yield return onPath;
        var home = Environment.GetEnvironmentVariable("HOME");
        if (!string.IsNullOrEmpty(home))
        {
            var shim = System.IO.Path.Combine(home, ".pyenv", "shims", "python3");
            if (File.Exists(shim) && shim != onPath) yield return shim;
        }
    }
}

/// <summary>A fact that needs <see cref="MotoPython"/>: reported as skipped, with the reason, where there is none.</summary>
public sealed class MotoFactAttribute : FactAttribute
{
    public MotoFactAttribute()
    {
        if (MotoPython.Path is null) Skip = MotoPython.MissingReason;
    }
}
