using System.Text.Json;
using System.Text.Json.Nodes;

namespace S3ZipExport.Tests.Deploy;

/// <summary>The deployment files at the repository root, found by walking up to the folder holding template.yaml.</summary>
internal static class DeployFiles
{
    public static readonly string Root = FindRoot();

    public static readonly JsonObject Template = CloudFormationYaml.Parse(File.ReadAllText(PathOf("template.yaml")));

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static JsonObject ReadJson(string relative) =>
        JsonNode.Parse(File.ReadAllText(PathOf(relative)), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow })!.AsObject();

    public static JsonObject Resources => Template["Resources"]!.AsObject();
    public static JsonObject Parameters => Template["Parameters"]!.AsObject();

    /// <summary>The one AWS::Serverless::Function: its logical ID and properties.</summary>
    public static (string LogicalId, JsonObject Properties) Function
    {
        get
        {
            var function = Assert.Single(Resources, r => Type(r.Value) == "AWS::Serverless::Function");
            return (function.Key, function.Value!["Properties"]!.AsObject());
        }
    }

    /// <summary>The one AWS::Serverless::StateMachine: its logical ID and properties.</summary>
    public static (string LogicalId, JsonObject Properties) StateMachine
    {
        get
        {
            var machine = Assert.Single(Resources, r => Type(r.Value) == "AWS::Serverless::StateMachine");
            return (machine.Key, machine.Value!["Properties"]!.AsObject());
        }
    }

    /// <summary>The state machine's definition file, as the template names it (DefinitionUri), read as JSON.</summary>
    public static JsonObject Definition => ReadJson(StateMachine.Properties["DefinitionUri"]!.GetValue<string>());

    public static IEnumerable<KeyValuePair<string, JsonNode?>> ResourcesOfType(string type) =>
        Resources.Where(r => Type(r.Value) == type);

    public static string? Type(JsonNode? resource) => resource?["Type"]?.GetValue<string>();

    /// <summary>A property's value as a deploy with default parameters would see it: a !Ref to a parameter gives its Default.</summary>
    public static string DefaultOf(JsonNode? value) => value switch
    {
        JsonObject o when o["Ref"] is JsonValue r && Parameters[r.GetValue<string>()] is { } p =>
            p["Default"]?.GetValue<string>() ?? throw new InvalidDataException($"Parameter {r} has no default"),
        JsonValue v => v.GetValue<string>(),
        _ => throw new InvalidDataException($"Cannot take a default of {value?.ToJsonString()}"),
    };

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "template.yaml"))) return dir.FullName;
        throw new InvalidOperationException($"No template.yaml above {AppContext.BaseDirectory}");
    }
}
