using System.Diagnostics;
using System.IO.Compression;
using System.IO.Hashing;
using S3ZipExport.Tests.Fixtures;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Archive;

/// <summary>
/// Checks an archive with every ZIP reader we can find: .NET ZipArchive (always), Info-ZIP <c>unzip -t</c>,
/// Python <c>zipfile</c>, <c>7z t</c>, and libarchive's streaming reader (<c>cat | bsdtar -xvOf -</c>: through a
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
    /// sizes, CRC-32 of the extracted bytes). The external readers run concurrently. Returns the names of the
    /// readers that ran.
    /// </summary>
    public static async Task<IReadOnlyList<string>> AssertAllAcceptAsync(string zipPath, ExpectedContent expected, ITestOutputHelper? log = null)
    {
        var ran = new List<string>();
        var failures = new List<string>();
        var gate = new object();

        async Task Run(string reader, Func<Task<string?>> check)
        {
            var watch = Stopwatch.StartNew();
            string? failure;
            try { failure = await check(); }
            catch (Exception e) { failure = e.ToString(); }
            lock (gate)
            {
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
        }

        var externalFound = 0;
        Task RunExternal(string reader, string tool, Func<Task<string?>> check)
        {
            if (FindOnPath(tool) is null)
            {
                log?.WriteLine($"{reader}: SKIPPED, '{tool}' is not installed");
                return Task.CompletedTask;
            }
            externalFound++;
            return Run(reader, check);
        }

        await Task.WhenAll(
            Run("dotnet ZipArchive", () => Task.Run(() => CheckDotnet(zipPath, expected))),
            RunExternal("unzip -t", "unzip", () => CheckUnzip(zipPath)),
            RunExternal("python zipfile", "python3", () => CheckPython(zipPath, expected)),
            RunExternal("7z t", "7z", () => Check7z(zipPath)),
            RunExternal("bsdtar streaming", "bsdtar", () => CheckBsdtarStreaming(zipPath, expected)));

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
            var crc = new Crc32();
            crc.Append(stream);
            return (e.FullName, e.Length, crc.GetCurrentHashAsUInt32());
        }).ToList();
        return Compare(expected, actual);
    }

    private static async Task<string?> CheckUnzip(string zipPath)
    {
        var (exit, output) = await ExecuteAsync("unzip", ["-tq", zipPath]);
        return exit == 0 && output.Contains("No errors detected") ? null : $"exit {exit}\n{output}";
    }

    private const string PythonScript = """
        import os, sys, zipfile, zlib
        with zipfile.ZipFile(sys.argv[1]) as z:
            # testzip() reads every entry and checks its CRC; skip it for huge archives, where the read loop
            # below does the same work (ZipExtFile raises BadZipFile on a CRC mismatch at end of entry).
            if os.path.getsize(sys.argv[1]) < 64 * 1024 * 1024:
                bad = z.testzip()
                if bad is not None:
                    sys.exit("testzip: bad entry " + bad)
            for info in z.infolist():
                crc = 0
                with z.open(info) as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        crc = zlib.crc32(block, crc)
                print(f"{info.filename}\t{info.file_size}\t{crc}")
        """;

    private static async Task<string?> CheckPython(string zipPath, ExpectedContent expected)
    {
        var (exit, output) = await ExecuteAsync("python3", ["-c", PythonScript, zipPath]);
        if (exit != 0) return $"exit {exit}\n{output}";
        var actual = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(f => (Name: f[0], Length: long.Parse(f[1]), Crc32: uint.Parse(f[2])))
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
        // The pipe makes the input non-seekable, which forces libarchive's streaming ZIP reader: it finds each
        // entry's end from the data descriptor alone and fails on a CRC or size mismatch ("ZIP bad CRC").
        // -v lists the names on stderr; stdout is every entry's content, counted.
        var (exit, output) = await ExecuteAsync("bash", ["-o", "pipefail", "-c", "cat \"$1\" | bsdtar -xvOf - | wc -c", "bash", zipPath]);
        if (exit != 0) return $"exit {exit}\n{output}";
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var names = lines.Where(l => l.StartsWith("x ")).Select(l => l[2..]).ToList();
        var length = lines.Where(l => long.TryParse(l, out _)).Select(long.Parse).SingleOrDefault(-1);
        var expectedNames = expected.Entries.Select(e => e.Name).ToList();
        return names.SequenceEqual(expectedNames) && length == expected.TotalLength
            ? null
            : $"saw {string.Join("; ", names)} ({length} bytes), expected {string.Join("; ", expectedNames)} ({expected.TotalLength} bytes)\n{output}";
    }

    private static string? Compare(ExpectedContent expected, IReadOnlyList<(string Name, long Length, uint Crc32)> actual)
    {
        var want = expected.Entries.Select(e => (e.Name, e.Length, e.Crc32)).ToList();
        if (want.SequenceEqual(actual)) return null;
        return "entries differ\n expected: " + string.Join("; ", want) + "\n actual:   " + string.Join("; ", actual);
    }

    private static async Task<(int ExitCode, string Output)> ExecuteAsync(string fileName, IEnumerable<string> arguments)
    {
        var run = await ChildProcess.RunAsync(fileName, arguments, Timeout, start =>
        {
            // UTF-8 locale so readers do not fail converting the Japanese entry names.
            start.Environment["LC_ALL"] = "C.UTF-8";
            start.Environment["PYTHONIOENCODING"] = "utf-8";
        });
        return run.TimedOut ? (-1, $"timed out after {Timeout}") : (run.ExitCode, run.Stdout + run.Stderr);
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
