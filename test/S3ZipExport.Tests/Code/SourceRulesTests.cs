using System.Text.RegularExpressions;
using S3ZipExport.Tests.Deploy;

namespace S3ZipExport.Tests.Code;

/// <summary>
/// Rules of the source that a reader relies on, checked on the source itself: setting names are spelled in one file,
/// and the folders (the stages and what they share) depend on each other one way.
/// </summary>
public partial class SourceRulesTests
{
    private static readonly string Src = Path.Combine(DeployFiles.Root, "src", "S3ZipExport");

    private static IEnumerable<string> SourceFiles =>
        Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex("\"[^\"\\n]*\\b(EXPORT_[A-Z_]+|AWS_ENDPOINT_URL_[A-Z0-9]+)")]
    private static partial Regex SettingLiteral();

    [GeneratedRegex(@"\bS3ZipExport\.(\w+)")]
    private static partial Regex FolderReference();

    [Fact]
    public void No_setting_name_is_spelled_outside_the_setting_names_file()
    {
        var spelled = SourceFiles
            .Where(f => !f.EndsWith(Path.Combine("Contract", "SettingNames.cs"), StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && SettingLiteral().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(Src, l.File)}:{l.Line}: {l.Text}")
            .ToList();
        Assert.Empty(spelled);
    }

    [Fact]
    public void Folders_depend_on_each_other_one_way()
    {
        var folders = Directory.GetDirectories(Src).Select(Path.GetFileName).Where(d => d is not ("bin" or "obj")).ToHashSet();
        var uses = folders.ToDictionary(f => f!, _ => new HashSet<string>());
        foreach (var file in SourceFiles)
        {
            var folder = Path.GetRelativePath(Src, file).Split(Path.DirectorySeparatorChar) is [var first, _, ..] ? first : null;
            if (folder is null) continue;   // Function.cs, the entry point, may use every folder
            var code = string.Join('\n', File.ReadLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            foreach (Match m in FolderReference().Matches(code))
                if (m.Groups[1].Value != folder && folders.Contains(m.Groups[1].Value)) uses[folder].Add(m.Groups[1].Value);
        }

        var cycles = new List<string>();
        foreach (var start in uses.Keys)
            foreach (var path in PathsBack(start, start, uses, [start]))
                cycles.Add(string.Join(" -> ", path));
        Assert.Empty(cycles.Distinct());
    }

    /// <summary>Every path from <paramref name="at"/> that leads back to <paramref name="start"/>.</summary>
    private static IEnumerable<List<string>> PathsBack(string start, string at, Dictionary<string, HashSet<string>> uses, List<string> path)
    {
        foreach (var next in uses[at])
        {
            if (next == start) yield return [.. path, next];
            else if (!path.Contains(next))
                foreach (var found in PathsBack(start, next, uses, [.. path, next])) yield return found;
        }
    }
}
