using System.Globalization;
using System.Text;
using S3ZipExport.Contract;
using S3ZipExport.Export;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Deploy;

/// <summary>
/// The README's settings table states each default; the code has each one once, in its stage's options. This keeps
/// the two equal: every default cell that is a value is the value a plan read with nothing set has, and every
/// "unset" or "required" one is absent from it.
/// </summary>
public class ReadmeDefaultsTests
{
    private const long MiB = 1024 * 1024;

    /// <summary>How the effective value of each setting reads in a plan, as the README writes it; null for unset.</summary>
    private static readonly Dictionary<string, Func<ExportPlan, string?>> Effective = new()
    {
        [SettingNames.SourceUrl] = _ => null,
        [SettingNames.SourceFormat] = p => p.Source.Format.ToString().ToLowerInvariant(),
        [SettingNames.SourcePaging] = p => p.Source.Paging is null ? "none" : "offset",
        [SettingNames.PageStartParam] = p => Paged(p).StartParam,
        [SettingNames.PageStartBase] = p => Paged(p).StartBase.ToString(CultureInfo.InvariantCulture),
        [SettingNames.PageSizeParam] = p => Paged(p).SizeParam,
        [SettingNames.PageSize] = p => Paged(p).Size.ToString(CultureInfo.InvariantCulture),
        [SettingNames.PageTotalPath] = p => string.Join('.', Paged(p).TotalPath),
        [SettingNames.SourceMinIntervalMs] = p => p.Source.MinInterval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        [SettingNames.SourceHeaders] = p => p.Source.Headers.Count == 0 ? null : "set",
        [SettingNames.SourceAllowedOrigins] = _ => null,
        [SettingNames.RecordsPath] = p => string.Join('.', p.Records.RecordsPath),
        [SettingNames.Columns] = p => string.Join(',', p.Records.Columns.Select(c => c.Header)),
        [SettingNames.Bucket] = _ => null,
        [SettingNames.Key] = _ => ObjectKeyTemplate.Default,
        [SettingNames.EntryName] = p => p.Archive.EntryName,
        [SettingNames.Format] = p => p.Archive.Format.ToString().ToLowerInvariant(),
        [SettingNames.MaxRowsPerFile] = p => p.Archive.MaxRowsPerFile.ToString(CultureInfo.InvariantCulture),
        [SettingNames.EntryPerSource] = p => Bool(p.Archive.EntryPerSource),
        [SettingNames.CsvEncoding] = p => p.Csv.Encoding == S3ZipExport.Csv.CsvEncoding.Utf8 ? "utf-8" : p.Csv.Encoding.ToString(),
        [SettingNames.CsvStrictEncoding] = p => Bool(p.Csv.StrictEncoding),
        [SettingNames.CsvDelimiter] = p => ((char)p.Csv.Delimiter).ToString(),
        [SettingNames.CsvNewline] = p => p.Csv.Newline.ToString().ToLowerInvariant(),
        [SettingNames.CsvHeader] = p => Bool(p.Csv.Header),
        [SettingNames.CsvFormulaGuard] = p => Bool(p.Csv.FormulaGuard),
        [SettingNames.OnBadRecord] = p => p.Records.OnBadRecord.ToString().ToLowerInvariant(),
        [SettingNames.PartSizeMiB] = p => (p.Upload.PartBytes / MiB).ToString(CultureInfo.InvariantCulture),
        [SettingNames.UploadConcurrency] = p => p.Upload.Concurrency.ToString(CultureInfo.InvariantCulture),
        [SettingNames.CompressionThreads] = p => p.Archive.Threads.ToString(CultureInfo.InvariantCulture),
        [SettingNames.ParseThreads] = p => p.Records.ParseThreads.ToString(CultureInfo.InvariantCulture),
        [SettingNames.CompressionLevel] = p => p.Archive.Level == System.IO.Compression.CompressionLevel.Optimal ? "optimal" : p.Archive.Level.ToString(),
        [SettingNames.Checksum] = p => p.Upload.Checksum.ToString().ToLowerInvariant(),
        [SettingNames.IfExists] = p => p.Upload.IfExists.ToString().ToLowerInvariant(),
        [SettingNames.StatePrefix] = p => p.Run.StatePrefix,
        [SettingNames.SliceSeconds] = p => p.Run.SliceEvery?.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        [SettingNames.MaxInvocations] = p => p.Run.MaxInvocations.ToString(CultureInfo.InvariantCulture),
        [SettingNames.ServerSideEncryption] = p => p.Upload.ServerSideEncryption,
        [SettingNames.SseKmsKeyId] = p => p.Upload.SseKmsKeyId,
        [SettingNames.TimeoutSeconds] = p => p.Run.Timeout?.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        [SettingNames.ProgressSeconds] = p => p.Run.ProgressInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        [SettingNames.AllowHttp] = _ => "false",
        [SettingNames.SourceMaxAttempts] = p => p.Source.MaxAttempts.ToString(CultureInfo.InvariantCulture),
        [SettingNames.SourceRetryBaseMs] = p => p.Source.RetryBase.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        [SettingNames.SourceReadTimeoutSeconds] = p => p.Source.ReadTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        [SettingNames.SourceApiKeyParameter] = p => p.Source.ApiKey.ParameterName,
        [SettingNames.SourceApiKeyHeader] = p => p.Source.ApiKey.Header,
        [SettingNames.SourceApiKey] = p => p.Source.ApiKey.Value,
        [SettingNames.S3Endpoint] = p => p.Aws.S3Endpoint?.ToString(),
        [SettingNames.SsmEndpoint] = p => p.Aws.SsmEndpoint?.ToString(),
    };

    // The memory sizes where the README's "1 thread up to 2,653 MB, 2 up to 4,422 MB" changes.
    private static readonly int[] ThreadsAtMemory = [1024, 2653, 2654, 4422, 4423];

    private static readonly Dictionary<string, string> Minimal = new()
    {
        [SettingNames.SourceUrl] = "https://connpass.com/api/v2/events/?ym=202611",
        [SettingNames.Bucket] = "exports",
    };

    [Fact]
    public void Every_value_default_in_the_README_is_the_codes_and_every_unset_one_is_unset()
    {
        var plain = Read(Minimal);
        var paged = Read(new(Minimal) { [SettingNames.SourcePaging] = "offset" });
        foreach (var (name, cell) in ReadmeDefaults())
        {
            Assert.True(Effective.TryGetValue(name, out var effective), $"{name}: say in {nameof(Effective)} how its value reads in a plan");
            var plan = name.StartsWith("EXPORT_PAGE_", StringComparison.Ordinal) ? paged : plain;
            if (cell.StartsWith("required", StringComparison.Ordinal) || cell.StartsWith("unset", StringComparison.Ordinal))
                Assert.True(effective(plan) is null, $"{name}: README says '{cell}', the code has '{effective(plan)}'");
            else if (name == SettingNames.SourceMinIntervalMs)
                Assert.Equal(cell, $"`{effective(paged)}` when paging, else `{effective(plain)}`");
            else if (name == SettingNames.CompressionThreads)
                Assert.Equal([1, 1, 2, 2, 3], ThreadsAtMemory.Select(mb => Read(new(Minimal) { [SettingNames.LambdaMemorySize] = mb.ToString(CultureInfo.InvariantCulture) }).Archive.Threads));
            else if (name == SettingNames.ParseThreads)
            {
                // "Default 1; 3 when EXPORT_COMPRESSION_LEVEL is fastest or none and the CPU share is 4 vCPUs or more (7,076 MB and up) ... a local run, 1".
                Assert.StartsWith("from the memory size and level", cell, StringComparison.Ordinal);
                int ParseThreadsAt(int? memoryMB, string level)
                {
                    var settings = new Dictionary<string, string>(Minimal) { [SettingNames.CompressionLevel] = level };
                    if (memoryMB is { } mb) settings[SettingNames.LambdaMemorySize] = mb.ToString(CultureInfo.InvariantCulture);
                    return Read(settings).Records.ParseThreads;
                }
                Assert.Equal([1, 3, 3, 1, 1, 1], new (int?, string)[] { (7075, "fastest"), (7076, "fastest"), (7076, "none"), (10_240, "optimal"), (null, "fastest"), (1024, "fastest") }
                    .Select(c => ParseThreadsAt(c.Item1, c.Item2)));
            }
            else
                Assert.True(cell.StartsWith($"`{effective(plan)}`", StringComparison.Ordinal), $"{name}: README says '{cell}', the code has '{effective(plan)}'");
        }
    }

    [Fact]
    public void Every_setting_has_its_default_in_the_README() =>
        Assert.Equal(Effective.Keys.Order(), ReadmeDefaults().Select(d => d.Name).Order());

    [Fact]
    public void The_settings_the_README_says_a_payload_may_not_change_are_the_ones_the_function_refuses()
    {
        // The table marks them "Environment only"; the paragraph on manual payloads names them all.
        var marked = SettingRows().Where(r => r.Line.TrimEnd().EndsWith("Environment only |", StringComparison.Ordinal)).Select(r => r.Name);
        Assert.Equal(SettingNames.EnvironmentOnly.Order(), marked.Order());
        var readme = File.ReadAllText(Path.Combine(DeployFiles.Root, "README.md"));
        var start = readme.IndexOf("**What a manual payload may change.**", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README's paragraph on manual payloads is gone");
        var paragraph = readme[start..readme.IndexOf("\n- Its `EXPORT_SOURCE_URL`", start, StringComparison.Ordinal)];
        foreach (var name in SettingNames.EnvironmentOnly)
            Assert.True(paragraph.Contains($"`{name}`", StringComparison.Ordinal), $"the paragraph on manual payloads does not name {name}");
    }

    private static IEnumerable<(string Name, string Cell)> ReadmeDefaults() =>
        SettingRows().Select(r => (r.Name, r.Line.Split('|')[2].Trim()));

    private static IEnumerable<(string Name, string Line)> SettingRows() =>
        File.ReadAllLines(Path.Combine(DeployFiles.Root, "README.md"))
            .Where(l => l.StartsWith("| `EXPORT_", StringComparison.Ordinal) || l.StartsWith("| `AWS_ENDPOINT", StringComparison.Ordinal))
            .Select(l => (l.Split('|')[1].Trim().Trim('`'), l));

    private static ExportPlan Read(Dictionary<string, string> environment) =>
        SettingsReader.Read(environment.ToDictionary(e => e.Key, e => (string?)e.Value),
            InvocationEvent.Parse(Encoding.UTF8.GetBytes("{}"), TimeProvider.System));

    private static S3ZipExport.Source.OffsetPaging Paged(ExportPlan plan) => plan.Source.Paging ?? throw new InvalidOperationException("not paged");

    private static string Bool(bool value) => value ? "true" : "false";
}
