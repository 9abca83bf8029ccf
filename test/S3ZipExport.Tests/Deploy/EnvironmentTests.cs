using S3ZipExport.Contract;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Deploy;

/// <summary>The function's environment in template.yaml is the settings contract of SettingNames, no more, no less.</summary>
public class EnvironmentTests
{
    private static IReadOnlyCollection<string> Declared =>
        DeployFiles.Function.Properties["Environment"]!["Variables"]!.AsObject().Select(v => v.Key).ToList();

    /// <summary>
    /// Read by the code but deliberately not in the template. EXPORT_SOURCE_API_KEY: the key in plain text, for local
    /// runs only; a deployed function reads it from SSM (EXPORT_SOURCE_API_KEY_PARAMETER). EXPORT_SLICE_SECONDS: cuts more
    /// often than the deadline asks, for tests and local runs of long exports.
    /// </summary>
    private static readonly string[] LocalOnly = [SettingNames.SourceApiKey, SettingNames.SliceSeconds];

    [Fact]
    public void Every_setting_the_code_reads_is_declared_in_the_template()
    {
        Assert.Empty(SettingNames.ExportSettings.Except(Declared).Except(LocalOnly));
        Assert.Empty(LocalOnly.Intersect(Declared));
    }

    [Fact]
    public void Thread_parameters_take_at_deploy_exactly_the_counts_the_settings_take_or_empty_for_the_default()
    {
        // A count the function would refuse at its first run is refused when the stack is deployed instead.
        foreach (var (parameter, setting, most) in new[]
                 {
                     ("CompressionThreads", SettingNames.CompressionThreads, S3ZipExport.Runtime.CpuShare.MaxCompressionThreads),
                     ("ParseThreads", SettingNames.ParseThreads, S3ZipExport.Runtime.CpuShare.MaxParseThreads),
                 })
        {
            Assert.Contains($"\"{parameter}\"", DeployFiles.Function.Properties["Environment"]!["Variables"]![setting]!.ToJsonString());
            var pattern = new System.Text.RegularExpressions.Regex(DeployFiles.Parameters[parameter]!["AllowedPattern"]!.GetValue<string>());
            var accepted = Enumerable.Range(0, 200).Where(n => pattern.IsMatch(n.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
            Assert.Equal(Enumerable.Range(1, most), accepted);
            Assert.Matches(pattern, "");
            Assert.DoesNotMatch(pattern, "01");
        }
    }

    [Fact]
    public void Every_EXPORT_variable_in_the_template_is_read_by_the_code()
    {
        var unread = Declared.Where(n => n.StartsWith("EXPORT_", StringComparison.Ordinal))
            .Except(SettingNames.ExportSettings);
        Assert.Empty(unread);
    }

    [Fact]
    public void State_prefix_and_invocation_limit_come_from_their_parameters_and_the_limit_is_a_day_of_full_invocations()
    {
        var variables = DeployFiles.Function.Properties["Environment"]!["Variables"]!;
        Assert.Equal("StatePrefix", variables["EXPORT_STATE_PREFIX"]!["Ref"]!.GetValue<string>());
        Assert.Equal("MaxInvocations", variables["EXPORT_MAX_INVOCATIONS"]!["Ref"]!.GetValue<string>());

        var invocations = int.Parse(DeployFiles.Parameters["MaxInvocations"]!["Default"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var timeout = int.Parse(DeployFiles.DefaultOf(DeployFiles.Function.Properties["Timeout"]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromDays(1), TimeSpan.FromSeconds(invocations * timeout));
    }

    [Fact]
    public void Every_other_variable_in_the_template_is_a_known_setting()
    {
        var other = Declared.Where(n => !n.StartsWith("EXPORT_", StringComparison.Ordinal));
        Assert.All(other, name => Assert.True(SettingNames.IsKnown(name), $"{name} is not read by the code"));
    }


    [Fact]
    public void Deadline_setting_follows_the_function_timeout()
    {
        var variables = DeployFiles.Function.Properties["Environment"]!["Variables"]!;
        Assert.Equal("Timeout", variables["EXPORT_TIMEOUT_SECONDS"]!["Ref"]!.GetValue<string>());
        Assert.Equal("Timeout", DeployFiles.Function.Properties["Timeout"]!["Ref"]!.GetValue<string>());
    }

    [Fact]
    public void Default_parameters_give_settings_the_code_accepts_and_a_key_under_the_export_prefix()
    {
        var environment = new TemplateDefaults(new Dictionary<string, string>
        {
            ["SourceUrl"] = "https://connpass.com/api/v2/events/?ym=202611",
            ["ExportBucket"] = "s3zipexport-exportbucket-abc123",
        }).FunctionEnvironment();
        Assert.DoesNotContain("AWS_ENDPOINT_URL_S3", environment.Keys);   // on AWS the SDK's own endpoint is used

        // Lambda sets the memory size; the template's default is 1,024 MB.
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = DeployFiles.DefaultOf(DeployFiles.Function.Properties["MemorySize"]);
        var scheduled = File.ReadAllBytes(DeployFiles.PathOf("events/scheduled.json"));
        var settings = SettingsReader.Read(environment, InvocationEvent.Parse(scheduled, TimeProvider.System));

        Assert.Equal("s3zipexport-exportbucket-abc123", settings.Upload.Bucket);
        Assert.Equal("exports/2026/11/24/events-20261124T180000Z.zip", settings.Upload.Key);
        Assert.StartsWith(DeployFiles.DefaultOf(new System.Text.Json.Nodes.JsonObject { ["Ref"] = "ExportPrefix" }), settings.Upload.Key);
        Assert.Equal(["events"], settings.Records.RecordsPath);
        Assert.Equal(8 * 1024 * 1024, settings.Upload.PartBytes);
        Assert.Equal(4, settings.Upload.Concurrency);
        Assert.Equal(1, settings.Archive.Threads);   // empty parameter: the code's default, from 1,024 MB's CPU share (0.58 vCPU)
        Assert.Null(settings.Aws.S3Endpoint);
    }

    [Fact]
    public void Object_key_template_starts_with_the_export_prefix_the_policy_allows()
    {
        var key = DeployFiles.Function.Properties["Environment"]!["Variables"]!["EXPORT_KEY"]!["Fn::Sub"]!.GetValue<string>();
        Assert.StartsWith("${ExportPrefix}", key);
        Assert.Equal(ObjectKeyTemplate.Default,
            DeployFiles.Parameters["ExportPrefix"]!["Default"]!.GetValue<string>() + DeployFiles.Parameters["KeyTemplate"]!["Default"]!.GetValue<string>());
    }

    [Fact]
    public void Part_buffers_of_the_default_settings_take_at_most_a_quarter_of_the_default_memory()
    {
        // Part buffers are part size × (concurrency + 1), the largest fixed term of the memory bound (see ExportJob);
        // the runtime, the CSV pipe and the deflate chunks share the rest.
        var memoryMiB = int.Parse(DeployFiles.DefaultOf(DeployFiles.Function.Properties["MemorySize"]));
        var partMiB = int.Parse(DeployFiles.Parameters["PartSizeMiB"]!["Default"]!.GetValue<string>());
        var concurrency = int.Parse(DeployFiles.Parameters["UploadConcurrency"]!["Default"]!.GetValue<string>());
        Assert.True(partMiB * (concurrency + 1) * 4 <= memoryMiB, $"{partMiB} MiB × {concurrency + 1} part buffers is more than a quarter of {memoryMiB} MB");
    }
}
