using System.Text.RegularExpressions;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The README shows result files as they are, each between two markers naming it:
/// <code>
/// &lt;!-- results: bench/results/amd-epyc-2c/sweep.md --&gt;
/// (the file's text, written by the benchmark)
/// &lt;!-- /results --&gt;
/// </code>
/// <see cref="Update"/> rewrites every such section from its file (<c>--readme</c>); <see cref="Problems"/> lists
/// where the README and the files disagree, for the test that keeps them equal. So a figure in those tables is
/// typed by the benchmark, once. Compiled into the benchmark and, as a linked file, into the tests.
/// </summary>
internal static partial class ReadmeResults
{
    /// <summary>Result files live in &lt;machine&gt; folders below this one (relative to the checkout, / separators).</summary>
    public const string ResultsFolder = "bench/results";

    [GeneratedRegex(@"<!-- results: (?<path>\S+) -->\n(?<body>.*?)<!-- /results -->", RegexOptions.Singleline)]
    private static partial Regex Section();

    /// <summary>The files the README's sections name, in order.</summary>
    public static IReadOnlyList<string> Sections(string readme) =>
        Section().Matches(Normal(readme)).Select(m => m.Groups["path"].Value).ToList();

    /// <summary>
    /// <paramref name="readme"/> with each section's text replaced by its file's, read through <paramref name="read"/>
    /// (path relative to the checkout; null when there is no such file, which leaves the section as it is).
    /// </summary>
    public static string Update(string readme, Func<string, string?> read) =>
        Section().Replace(Normal(readme), m => read(m.Groups["path"].Value) is { } text
            ? $"<!-- results: {m.Groups["path"].Value} -->\n{Normal(text)}<!-- /results -->"
            : m.Value);

    /// <summary>
    /// What disagrees: a section whose file is missing or differs, a section naming a file outside
    /// <see cref="ResultsFolder"/>, and a result file (<paramref name="resultFiles"/>) that no section shows.
    /// </summary>
    public static IReadOnlyList<string> Problems(string readme, IEnumerable<string> resultFiles, Func<string, string?> read)
    {
        var problems = new List<string>();
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Section().Matches(Normal(readme)))
        {
            var path = m.Groups["path"].Value;
            shown.Add(path);
            if (!path.StartsWith(ResultsFolder + "/", StringComparison.Ordinal))
                problems.Add($"The README section for {path} names a file outside {ResultsFolder}/.");
            else if (read(path) is not { } text)
                problems.Add($"The README has a section for {path}, which does not exist.");
            else if (Normal(text) != m.Groups["body"].Value)
                problems.Add($"The README's section for {path} differs from the file: run the benchmark with --readme.");
        }
        problems.AddRange(resultFiles.Where(f => !shown.Contains(f))
            .Select(f => $"{f} is not shown in the README: add '<!-- results: {f} -->' and '<!-- /results -->' lines where it belongs and run the benchmark with --readme."));
        return problems;
    }

    /// <summary>The result files below <paramref name="root"/>/<see cref="ResultsFolder"/>, as paths relative to <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> FilesUnder(string root)
    {
        var folder = Path.Join(root, ResultsFolder);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.md", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>A file's text read from <paramref name="root"/>, or null.</summary>
    public static string? Read(string root, string path)
    {
        var full = Path.Join(root, path);
        return File.Exists(full) ? File.ReadAllText(full) : null;
    }

    // \n line ends and one final newline, as ResultFiles writes them, so a checkout with \r\n compares equal.
    private static string Normal(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
}
