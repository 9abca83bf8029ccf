using S3ZipExport.LocalServices;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Deploy;

/// <summary>
/// template.yaml as AWS's own linter sees it: cfn-lint, which runs the SAM transform first, finds no error and no
/// warning. An exception goes into the template as cfn-lint's own <c>Metadata: cfn-lint: config: ignore_checks</c>,
/// with a comment saying why; there is no other way to silence a rule here.
/// </summary>
public sealed class TemplateLintTests
{
    /// <summary>The Python modules of cfn-lint and of the SAM transform it runs.</summary>
    internal static readonly string[] Modules = ["cfnlint", "samtranslator"];

    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational findings (not failures); 1 is a crash.
    private const int InformationalOnly = 8;

    [CfnLintFact]
    public async Task Cfn_lint_finds_no_error_and_no_warning_in_the_template()
    {
        var python = PythonInterpreter.Find(Modules).Path!;
        var run = await ChildProcess.RunAsync(python,
            ["-c", "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())", "--", "template.yaml"],
            TimeSpan.FromMinutes(3), start => start.WorkingDirectory = DeployFiles.Root);

        Assert.False(run.TimedOut, "cfn-lint ran over 3 minutes");
        Assert.True((run.ExitCode & ~InformationalOnly) == 0,
            $"cfn-lint ({python}) exited {run.ExitCode}:\n{run.Stdout}{run.Stderr}");
    }

    [Fact]
    public void Every_rule_the_template_tells_cfn_lint_to_ignore_has_a_comment_saying_why()
    {
        var lines = File.ReadAllLines(DeployFiles.PathOf("template.yaml"));
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].Contains("ignore_checks", StringComparison.Ordinal)) continue;
            var explained = lines[Math.Max(0, i - 3)..(i + 1)].Any(line => line.Contains('#'));
            Assert.True(explained, $"template.yaml line {i + 1} ignores cfn-lint rules without a comment (on it or the three lines above) explaining why");
        }
        Assert.Empty(Directory.EnumerateFiles(DeployFiles.Root, ".cfnlintrc*"));
    }
}

/// <summary>Skipped, with the reason, where no Python has cfn-lint and the SAM translator.</summary>
public sealed class CfnLintFactAttribute : FactAttribute
{
    public CfnLintFactAttribute()
    {
        if (PythonInterpreter.Find(TemplateLintTests.Modules).Missing is { } missing)
            Skip = $"cfn-lint is not installed: {missing}. scripts/test.sh tries `python3 -m pip install cfn-lint`.";
    }
}
