using System.Text.RegularExpressions;
using S3ZipExport.Tests.Deploy;

namespace S3ZipExport.Tests.Export;

/// <summary>The summary's fields as the README lists them, in its paragraph "The summary the function returns".</summary>
internal static partial class SummaryFields
{
    public static IReadOnlyList<string> Documented { get; } = Read();

    private static List<string> Read()
    {
        var readme = File.ReadAllText(DeployFiles.PathOf("README.md"));
        var start = readme.IndexOf("The summary the function returns", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README's paragraph on the summary is gone");
        var end = readme.IndexOf("\n\n", start, StringComparison.Ordinal);
        // A field is a backticked camelCase name; values in backticks (`CRC32`, `EXPORT_IF_EXISTS=skip`) are not.
        return Field().Matches(readme[start..end]).Select(m => m.Groups[1].Value).Distinct().ToList();
    }

    [GeneratedRegex("`([a-z][A-Za-z]*)`")]
    private static partial Regex Field();
}
