using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Archive;

/// <summary>
/// Checks an archive with every ZIP reader we can find: .NET ZipArchive (always), Info-ZIP <c>unzip -t</c>,
/// Python <c>zipfile</c>, <c>7z t</c>, and libarchive's streaming reader (<c>cat | bsdtar -xOf -</c>: through a
/// pipe libarchive cannot seek, so it reads local headers and data descriptors only, never the central
/// directory). A reader that is not installed is skipped with a message in the test output; if none of the
/// external readers is installed the check fails, because .NET alone reads the central directory only.
/// </summary>
/// <remarks>Install them with <c>apt-get install -y unzip p7zip-full libarchive-tools python3</c>.</remarks>
internal static class ZipReaders
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Writes <paramref name="zip"/> to a temporary file and checks it; see the path overload.</summary>
    public static async Task<IReadOnlyList<string>> AssertAllAcceptAsync(byte[] zip, ExpectedContent expected, ITestOutputHelper? log = null)
    {
        var path = TempZipPath();
        try
        {
            await File.WriteAllBytesAsync(path, zip);
            return await AssertAllAcceptAsync(path, expected, log);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Asserts that every available reader accepts the archive and sees exactly the expected entries (names,
    /// sizes, SHA-256 of contents). Returns the names of the readers that ran.
    /// </summary>
    public static async Task<IReadOnlyList<string>> AssertAllAcceptAsync(string zipPath, ExpectedContent expected, ITestOutputHelper? log = null)
    {
        var ran = new List<string>();
        var failures = new List<string>();

        async Task Run(string reader, Func<Task<string?>> check)
        {
            var watch = Stopwatch.StartNew();
            string? failure;
            try { failure = await check(); }
            catch (Exception e) { failure = e.ToString(); }
            if (failure is null)
            {
                ran.Add(reader);
                log?.WriteLine($"{reader}: ok ({watch.Elapsed.TotalSeconds:F1} s)");
            }
            else
            {
                failures.Add($"{reader}: {failure}");
            }
        }

        await Run("dotnet ZipArchive", () => Task.FromResult(CheckDotnet(zipPath, expected)));

        var externalFound = 0;
        async Task RunExternal(string reader, string tool, Func<Task<string?>> check)
        {
            if (FindOnPath(tool) is null)
            {
                log?.WriteLine($"{reader}: SKIPPED, '{tool}' is not installed");
                return;
            }
            externalFound++;
            await Run(reader, check);
        }

        await RunExternal("unzip -t", "unzip", () => CheckUnzip(zipPath));
        await RunExternal("python zipfile", "python3", () => CheckPython(zipPath, expected));
        await RunExternal("7z t", "7z", () => Check7z(zipPath));
        await RunExternal("bsdtar streaming", "bsdtar", () => CheckBsdtarStreaming(zipPath, expected));

        if (failures.Count > 0)
            Assert.Fail($"Readers rejected {zipPath}:\n" + string.Join("\n", failures));
        if (externalFound == 0)
            Assert.Fail("None of the external ZIP readers (unzip, python3, 7z, bsdtar) is installed; the archive was checked by .NET only.");
        return ran;
    }

    public static string TempZipPath()
    {
        // /dev/shm keeps multi-GiB test archives off the disk where it exists.
        var directory = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        return Path.Combine(directory, $"s3zipexport-test-{Guid.NewGuid():N}.zip");
    }

    private static string? CheckDotnet(string zipPath, ExpectedContent expected)
    {
        using var archive = ZipFile.OpenRead(zipPath);
        var actual = archive.Entries.Select(e =>
        {
            using var stream = e.Open();
            return (e.FullName, e.Length, Sha256: Convert.ToHexStringLower(SHA256.HashData(stream)));
        }).ToList();
        return Compare(expected, actual);
    }

    private static async Task<string?> CheckUnzip(string zipPath)
    {
        var (exit, output) = await ExecuteAsync("unzip", ["-tq", zipPath]);
        return exit == 0 && output.Contains("No errors detected") ? null : $"exit {exit}\n{output}";
    }

    private const string PythonScript = """
        import hashlib, os, sys, zipfile
        with zipfile.ZipFile(sys.argv[1]) as z:
            # testzip() reads every entry and checks its CRC; skip it for huge archives, where the read loop
            # below does the same work (ZipExtFile raises BadZipFile on a CRC mismatch at end of entry).
            if os.path.getsize(sys.argv[1]) < 64 * 1024 * 1024:
                bad = z.testzip()
                if bad is not None:
                    sys.exit("testzip: bad entry " + bad)
            for info in z.infolist():
                h = hashlib.sha256()
                with z.open(info) as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        h.update(block)
                print(f"{info.filename}\t{info.file_size}\t{h.hexdigest()}")
        """;

    private static async Task<string?> CheckPython(string zipPath, ExpectedContent expected)
    {
        var (exit, output) = await ExecuteAsync("python3", ["-c", PythonScript, zipPath]);
        if (exit != 0) return $"exit {exit}\n{output}";
        var actual = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(f => (Name: f[0], Length: long.Parse(f[1]), Sha256: f[2]))
            .ToList();
        return Compare(expected, actual);
    }

    private static async Task<string?> Check7z(string zipPath)
    {
        var (exit, output) = await ExecuteAsync("7z", ["t", "-bd", zipPath]);
        // 7-Zip reports header inconsistencies (e.g. a data descriptor of the wrong length) as warnings with
        // exit code 0 or as "Headers Error"; both count as failures here.
        var clean = exit == 0 && output.Contains("Everything is Ok")
            && !output.Contains("WARNING", StringComparison.OrdinalIgnoreCase)
            && !output.Contains("Error", StringComparison.OrdinalIgnoreCase);
        return clean ? null : $"exit {exit}\n{output}";
    }

    private static async Task<string?> CheckBsdtarStreaming(string zipPath, ExpectedContent expected)
    {
        // The pipe makes the input non-seekable, which forces libarchive's streaming ZIP reader.
        var (exit, output) = await ExecuteAsync("bash", ["-o", "pipefail", "-c", "cat \"$1\" | bsdtar -xOf - | sha256sum", "bash", zipPath]);
        if (exit != 0) return $"exit {exit}\n{output}";
        var actual = output.Split(' ', 2)[0].Trim();
        return actual == expected.ConcatenatedSha256 ? null : $"content sha256 {actual}, expected {expected.ConcatenatedSha256}\n{output}";
    }

    private static string? Compare(ExpectedContent expected, IReadOnlyList<(string Name, long Length, string Sha256)> actual)
    {
        var want = expected.Entries.Select(e => (e.Name, e.Length, e.Sha256)).ToList();
        if (want.SequenceEqual(actual)) return null;
        return "entries differ\n expected: " + string.Join("; ", want) + "\n actual:   " + string.Join("; ", actual);
    }

    private static async Task<(int ExitCode, string Output)> ExecuteAsync(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // UTF-8 locale so readers do not fail converting the Japanese entry names.
        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {Timeout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
