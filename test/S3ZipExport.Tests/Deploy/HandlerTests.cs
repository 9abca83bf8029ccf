using System.Reflection;
using System.Runtime.Versioning;

namespace S3ZipExport.Tests.Deploy;

/// <summary>What the Lambda runtime is told to load, in template.yaml and aws-lambda-tools-defaults.json, exists and agrees.</summary>
public class HandlerTests
{
    private static readonly System.Text.Json.Nodes.JsonObject ToolsDefaults = DeployFiles.ReadJson("aws-lambda-tools-defaults.json");

    private static string TemplateHandler => DeployFiles.Function.Properties["Handler"]!.GetValue<string>();

    [Fact]
    public void Handler_names_a_public_Task_of_Stream_method_taking_a_Stream_on_a_constructible_public_type()
    {
        var parts = TemplateHandler.Split("::");
        Assert.Equal(3, parts.Length);   // Assembly::Namespace.Type::Method
        var assembly = typeof(Function).Assembly;
        Assert.Equal(assembly.GetName().Name, parts[0]);

        var type = assembly.GetType(parts[1], throwOnError: false);
        Assert.NotNull(type);
        Assert.True(type.IsPublic && !type.IsAbstract, $"{type} must be a public, non-abstract class");
        Assert.NotNull(type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes));

        // The runtime finds the method by name: an overload would make it ambiguous.
        var method = Assert.Single(type.GetMethods(BindingFlags.Public | BindingFlags.Instance), m => m.Name == parts[2]);
        Assert.Equal(typeof(Task<Stream>), method.ReturnType);
        Assert.Equal([typeof(Stream)], method.GetParameters().Select(p => p.ParameterType));
    }

    [Fact]
    public void Template_and_tools_defaults_name_the_same_handler()
    {
        Assert.Equal(TemplateHandler, ToolsDefaults["function-handler"]!.GetValue<string>());
    }

    [Fact]
    public void Runtime_is_dotnet10_in_both_files_and_the_framework_is_the_one_the_assembly_targets()
    {
        Assert.Equal("dotnet10", DeployFiles.Function.Properties["Runtime"]!.GetValue<string>());
        Assert.Equal("dotnet10", ToolsDefaults["function-runtime"]!.GetValue<string>());

        var target = typeof(Function).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;
        Assert.Equal(".NETCoreApp,Version=v10.0", target);
        Assert.Equal("net10.0", ToolsDefaults["framework"]!.GetValue<string>());
        Assert.Equal("src/S3ZipExport/", DeployFiles.Function.Properties["CodeUri"]!.GetValue<string>());
        Assert.True(File.Exists(DeployFiles.PathOf("src/S3ZipExport/S3ZipExport.csproj")));
    }

    [Fact]
    public void Memory_timeout_and_architecture_defaults_agree_between_the_files()
    {
        var properties = DeployFiles.Function.Properties;
        var memory = DeployFiles.DefaultOf(properties["MemorySize"]);
        var timeout = DeployFiles.DefaultOf(properties["Timeout"]);
        Assert.Equal("1024", memory);
        Assert.Equal("900", timeout);
        Assert.Equal(memory, ToolsDefaults["function-memory-size"]!.ToJsonString());
        Assert.Equal(timeout, ToolsDefaults["function-timeout"]!.ToJsonString());

        // Lambda stops a run at 15 minutes whatever the template says.
        Assert.True(int.Parse(DeployFiles.Parameters["Timeout"]!["MaxValue"]!.GetValue<string>()) <= 900);

        var architecture = Assert.Single(properties["Architectures"]!.AsArray())!.GetValue<string>();
        Assert.Equal("arm64", architecture);
        Assert.Equal(architecture, ToolsDefaults["function-architecture"]!.GetValue<string>());
    }

    [Fact]
    public void Tools_defaults_deploy_to_the_function_name_the_stack_creates()
    {
        var stackName = System.Text.RegularExpressions.Regex.Match(
            File.ReadAllText(DeployFiles.PathOf("samconfig.toml")), "(?m)^stack_name = \"(?<name>[^\"]+)\"").Groups["name"].Value;
        var functionName = new TemplateDefaults(new Dictionary<string, string> { ["AWS::StackName"] = stackName })
            .Evaluate(DeployFiles.Function.Properties["FunctionName"]);
        Assert.Equal(functionName, ToolsDefaults["function-name"]!.GetValue<string>());
    }
}
