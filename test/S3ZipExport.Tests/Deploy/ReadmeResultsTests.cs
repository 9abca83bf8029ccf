using S3ZipExport.Benchmarks;

namespace S3ZipExport.Tests.Deploy;

/// <summary>
/// The README's performance tables are the benchmark's result files (bench/results/&lt;machine&gt;/*.md), shown between
/// <c>&lt;!-- results: PATH --&gt;</c> and <c>&lt;!-- /results --&gt;</c>, so no figure there is typed by hand or twice.
/// </summary>
public class ReadmeResultsTests
{
    private const string Sweep = "bench/results/m-2c/sweep.md";
    private const string Table = "| memory MB | CSV MB/s |\n|---|---|\n| 1,024 | 41.0 |\n";

    [Fact]
    public void The_README_shows_every_result_file_as_it_is()
    {
        var readme = File.ReadAllText(DeployFiles.PathOf("README.md"));
        Assert.Empty(ReadmeResults.Problems(readme, ReadmeResults.FilesUnder(DeployFiles.Root), p => ReadmeResults.Read(DeployFiles.Root, p)));
    }

    [Fact]
    public void Update_puts_each_file_in_its_section_and_leaves_the_rest()
    {
        var readme = $"# Title\n\nText.\n\n<!-- results: {Sweep} -->\n| old |\n<!-- /results -->\n\nMore text.\n";

        var updated = ReadmeResults.Update(readme, p => p == Sweep ? Table : null);

        Assert.Equal($"# Title\n\nText.\n\n<!-- results: {Sweep} -->\n{Table}<!-- /results -->\n\nMore text.\n", updated);
        Assert.Empty(ReadmeResults.Problems(updated, [Sweep], p => p == Sweep ? Table : null));
        Assert.Equal(updated, ReadmeResults.Update(updated, p => p == Sweep ? Table : null));
    }

    [Fact]
    public void A_section_that_differs_from_its_file_is_named()
    {
        var readme = $"<!-- results: {Sweep} -->\n| memory MB | CSV MB/s |\n|---|---|\n| 1,024 | 44.0 |\n<!-- /results -->\n";

        var problem = Assert.Single(ReadmeResults.Problems(readme, [Sweep], p => p == Sweep ? Table : null));

        Assert.Contains(Sweep, problem);
        Assert.Contains("differs", problem);
    }

    [Fact]
    public void A_result_file_the_README_does_not_show_and_a_section_without_a_file_are_named()
    {
        const string stages = "bench/results/m-2c/compress.md";
        var readme = $"<!-- results: {Sweep} -->\n{Table}<!-- /results -->\n";

        var problems = ReadmeResults.Problems(readme, [stages], _ => null);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains(Sweep) && p.Contains("does not exist"));
        Assert.Contains(problems, p => p.Contains(stages) && p.Contains("not shown"));
    }

    [Fact]
    public void A_section_must_name_a_file_under_bench_results()
    {
        var readme = $"<!-- results: README.md -->\n{Table}<!-- /results -->\n";

        Assert.Contains("outside", Assert.Single(ReadmeResults.Problems(readme, [], _ => Table)));
    }
}
