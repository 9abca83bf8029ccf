using System.Globalization;
using System.Runtime.InteropServices;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// A Markdown table of one kind of result in bench/results/&lt;machine&gt;/: an introduction (written anew each time)
/// and rows; a row replaces the row whose first <see cref="KeyColumns"/> cells are the same, so a file keeps the latest
/// run of each setting. The README shows these files as they are (<see cref="ReadmeResults"/>).
/// </summary>
internal sealed record ResultTable(string FileName, string Intro, string[] Header, int KeyColumns)
{
    /// <summary>Adds or replaces <paramref name="row"/> in <paramref name="directory"/>/<see cref="FileName"/>; returns the path.</summary>
    public string Upsert(string directory, string[] row)
    {
        if (row.Length != Header.Length) throw new ArgumentException($"{FileName}: {row.Length} cells for {Header.Length} columns.");
        var path = Path.Join(directory, FileName);
        var rows = File.Exists(path) ? ResultFiles.Rows(File.ReadAllText(path)).Where(r => r.Length == Header.Length).ToList() : [];
        var index = rows.FindIndex(r => r.Take(KeyColumns).SequenceEqual(row.Take(KeyColumns)));
        if (index >= 0) rows[index] = row;
        else rows.Add(row);
        ResultFiles.Write(path, $"{Intro}\n\n{ResultFiles.Table(Header, rows)}");
        return path;
    }
}

/// <summary>Where result files go, and the Markdown they are made of.</summary>
internal static class ResultFiles
{
    /// <summary>bench/results/&lt;machine&gt; in this checkout.</summary>
    public static string DefaultDirectory() => Path.Join(RepositoryRoot.Find(), ReadmeResults.ResultsFolder, MachineInfo.Name);

    /// <summary>"On `amd-epyc-2c` (2 cores, "AMD EPYC", .NET 10.0.0)": the start of every file's introduction.</summary>
    public static string OnThisMachine =>
        $"On `{MachineInfo.Name}` ({Environment.ProcessorCount} cores, \"{MachineInfo.CpuModel()}\", {RuntimeInformation.FrameworkDescription})";

    /// <summary>Today (UTC).</summary>
    public static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A row's last two cells: today and the 1-minute load average before the run, what the figures depend on besides the code.</summary>
    public static string[] Stamp(string loadAverage) => [Today, loadAverage.Split(' ')[0]];

    public static string Table(string[] header, IEnumerable<string[]> rows) =>
        $"| {string.Join(" | ", header)} |\n|{string.Concat(header.Select(_ => "---|"))}\n" +
        string.Concat(rows.Select(r => $"| {string.Join(" | ", r)} |\n"));

    /// <summary>The cells of a file's table rows (not its header).</summary>
    public static IEnumerable<string[]> Rows(string markdown) =>
        markdown.Split('\n').Where(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray());

    /// <summary>Writes a result file with \n line ends and one final newline, making its folder if need be.</summary>
    public static void Write(string path, string markdown)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, markdown.ReplaceLineEndings("\n").TrimEnd('\n') + "\n");
    }

    public static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}

/// <summary>
/// A stage benchmark's outcome: its line, its rows in its result table (one, but for checksum's one per algorithm),
/// and the figure a sweep predicts from (MB/s: of CSV for csv and compress, of JSON for parse) with, for compress,
/// the deflate floor's MB/s.
/// </summary>
internal sealed record StageResult(string Line, ResultTable Table, string[][] Rows, double MBps, double FloorMBps = 0)
{
    /// <summary>For the parse stage: finding records alone (no columns), MB/s of JSON: the reader's ceiling with parse threads.</summary>
    public double FindMBps { get; init; }

    /// <summary>Records the rows; returns the file written.</summary>
    public string Record(string directory)
    {
        var path = "";
        foreach (var row in Rows) path = Table.Upsert(directory, row);
        return path;
    }
}
