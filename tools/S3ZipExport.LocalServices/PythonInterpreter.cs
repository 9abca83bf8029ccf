using System.Collections.Concurrent;
using System.Diagnostics;

namespace S3ZipExport.LocalServices;

/// <summary>
/// Finds a Python 3 that has some modules (moto's server, cfn-lint), for the tools the tests run with it. Looks at
/// <c>S3ZIPEXPORT_PYTHON</c> alone when it is set (scripts/test.sh sets it to the interpreter it chose), otherwise at
/// every <c>python3</c> on PATH, then at pyenv's shim (<c>~/.pyenv/shims/python3</c>), which a bare environment
/// without pyenv on PATH would miss. Each answer is looked up once per process.
/// </summary>
public static class PythonInterpreter
{
    public const string Variable = "S3ZIPEXPORT_PYTHON";

    private static readonly ConcurrentDictionary<string, Lazy<PythonLookup>> Lookups = new();

    // Prints the interpreter's own path (a shim resolves to the real one) and fails if a module cannot be found.
    private const string Probe =
        "import sys, importlib.util as u\n" +
        "def found(m):\n" +
        "    try: return u.find_spec(m) is not None\n" +
        "    except ImportError: return False\n" +
        "missing = [m for m in sys.argv[1:] if not found(m)]\n" +
        "print(sys.executable)\n" +
        "sys.exit('missing: ' + ', '.join(missing) if missing else 0)\n";

    /// <summary>The first Python that finds every one of <paramref name="modules"/> (dotted names, as imported).</summary>
    public static PythonLookup Find(params string[] modules) =>
        Lookups.GetOrAdd(string.Join(' ', modules), _ => new Lazy<PythonLookup>(() => Search(modules))).Value;

    private static PythonLookup Search(string[] modules)
    {
        var tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            var (path, problem) = TryCandidate(candidate, modules);
            if (path is not null) return new PythonLookup(path, null);
            tried.Add($"{candidate} ({problem})");
        }
        return new PythonLookup(null,
            $"no Python 3 with {string.Join(", ", modules)} was found; tried {(tried.Count == 0 ? "nothing" : string.Join("; ", tried))}");
    }

    private static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen)
        {
            yield return chosen;
            yield break;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, "python3");
            if (File.Exists(path) && seen.Add(path)) yield return path;
        }
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var shim = Path.Combine(home, ".pyenv", "shims", "python3");
        if (home.Length > 0 && File.Exists(shim) && seen.Add(shim)) yield return shim;
    }

    private static (string? Path, string Problem) TryCandidate(string python, string[] modules)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Probe);
        foreach (var module in modules) start.ArgumentList.Add(module);
        try
        {
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                return (null, "did not answer within 30 s");
            }
            var executable = stdout.Result.Trim();
            return process.ExitCode == 0 && executable.Length > 0
                ? (executable, "")
                : (null, stderr.Result.Trim() is { Length: > 0 } why ? why.Split('\n')[^1] : $"exit {process.ExitCode}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, e.Message);
        }
    }
}

/// <summary>The interpreter found (its real path, not a shim), or why there is none.</summary>
public sealed record PythonLookup(string? Path, string? Missing);
