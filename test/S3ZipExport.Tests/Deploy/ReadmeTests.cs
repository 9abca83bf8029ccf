using S3ZipExport.Contract;

namespace S3ZipExport.Tests.Deploy;

/// <summary>The README's settings table is the user's reference: every setting the code reads is in it, and nothing else.</summary>
public class ReadmeTests
{
    private static readonly string[] TableRows = File.ReadAllLines(Path.Combine(DeployFiles.Root, "README.md"))
        .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
        .Select(l => l.Split('`')[1])
        .ToArray();

    [Fact]
    public void Every_setting_is_in_the_README_settings_table() =>
        Assert.Empty(SettingNames.ExportSettings.Append(SettingNames.S3Endpoint).Append(SettingNames.SsmEndpoint).Except(TableRows));

    [Fact]
    public void The_README_settings_table_names_no_setting_the_code_does_not_read() =>
        Assert.All(TableRows.Where(r => r.StartsWith("EXPORT_") || r.StartsWith("AWS_")), row => Assert.True(SettingNames.IsKnown(row), row));
}
