using System.Text.Json;
using S3ZipExport.Contract;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Deploy;

/// <summary>events/*.json and env.json are what the real code and sam local accept.</summary>
public class SampleFileTests
{
    public static TheoryData<string> SampleFiles() =>
        new(Directory.GetFiles(DeployFiles.PathOf("events"), "*.json").Select(Path.GetFileName).Select(n => "events/" + n).Append("env.json"));

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Sample_file_is_a_JSON_object(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(DeployFiles.PathOf(file)));
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }

    [Fact]
    public void Manual_event_only_overrides_known_settings()
    {
        var invocation = InvocationEvent.Parse(File.ReadAllBytes(DeployFiles.PathOf("events/manual.json")), TimeProvider.System);
        Assert.NotEmpty(invocation.Overrides);
        Assert.All(invocation.Overrides.Keys, name => Assert.True(SettingNames.IsKnown(name), name));
    }

    [Fact]
    public void Manual_event_writes_under_the_export_prefix_so_the_deployed_function_may_write_it()
    {
        var invocation = InvocationEvent.Parse(File.ReadAllBytes(DeployFiles.PathOf("events/manual.json")), TimeProvider.System);
        if (invocation.Overrides.TryGetValue(SettingNames.Key, out var key))
            Assert.StartsWith(DeployFiles.Parameters["ExportPrefix"]!["Default"]!.GetValue<string>(), key);
    }

    [Fact]
    public void Scheduled_event_is_read_as_the_time_and_id_it_carries()
    {
        var sample = DeployFiles.ReadJson("events/scheduled.json");
        var invocation = InvocationEvent.Parse(File.ReadAllBytes(DeployFiles.PathOf("events/scheduled.json")), TimeProvider.System);

        Assert.Equal(DateTimeOffset.Parse(sample["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), invocation.Time);
        Assert.Equal(sample["id"]!.GetValue<string>(), invocation.Id);
        Assert.Equal("Scheduled Event", sample["detail-type"]!.GetValue<string>());
        Assert.Empty(invocation.Overrides);
    }

    [Fact]
    public void Env_json_is_keyed_by_the_function_and_sets_only_known_settings_or_AWS_variables()
    {
        var env = DeployFiles.ReadJson("env.json");
        var (logicalId, _) = DeployFiles.Function;
        var function = Assert.Single(env);
        Assert.Equal(logicalId, function.Key);
        Assert.All(function.Value!.AsObject(), v =>
            Assert.True(SettingNames.IsKnown(v.Key) || v.Key.StartsWith("AWS_", StringComparison.Ordinal), v.Key));
    }

    [Fact]
    public void Env_json_sets_only_variables_the_template_declares_because_sam_local_ignores_the_others()
    {
        var declared = DeployFiles.Function.Properties["Environment"]!["Variables"]!.AsObject().Select(v => v.Key);
        var set = DeployFiles.ReadJson("env.json")[DeployFiles.Function.LogicalId]!.AsObject().Select(v => v.Key);
        Assert.Empty(set.Except(declared));
    }

    [Fact]
    public void Env_json_over_the_template_defaults_gives_settings_for_a_local_s3rver()
    {
        var environment = new TemplateDefaults(new Dictionary<string, string>
        {
            ["SourceUrl"] = "https://example.invalid/unused",
            ["ExportBucket"] = "unused",
            // sam local invoke gets this from samconfig.toml's parameter_overrides
            ["S3EndpointUrl"] = "http://host.docker.internal:4568",
        }).FunctionEnvironment();
        foreach (var (name, value) in DeployFiles.ReadJson("env.json")[DeployFiles.Function.LogicalId]!.AsObject())
            environment[name] = value!.GetValue<string>();

        var settings = SettingsReader.Read(environment, InvocationEvent.Parse(File.ReadAllBytes(DeployFiles.PathOf("events/manual.json")), TimeProvider.System));

        Assert.Equal("exports", settings.Upload.Bucket);
        Assert.Equal("exports/manual/test-run.zip", settings.Upload.Key);
        Assert.Equal(new Uri("http://host.docker.internal:4568"), settings.Aws.S3Endpoint);
        Assert.Equal("http", settings.Source.Urls[0].Scheme);
    }

    [Fact]
    public void Samconfig_points_sam_local_at_env_json_and_the_s3_endpoint_parameter()
    {
        var samconfig = File.ReadAllText(DeployFiles.PathOf("samconfig.toml"));
        Assert.Contains("env_vars = \"env.json\"", samconfig);
        Assert.Contains("S3EndpointUrl=http://host.docker.internal:4568", samconfig);
        Assert.True(DeployFiles.Parameters.ContainsKey("S3EndpointUrl"));
    }

}
