using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace S3ZipExport.Tests.Deploy;

/// <summary>
/// Evaluates the few intrinsics the function's environment uses (Ref, Fn::Sub, Fn::If with Fn::Equals/Fn::Not) the
/// way CloudFormation would for a deploy with default parameters, so the real settings code can read the result.
/// Parameters without a default and resources take the values the caller gives.
/// </summary>
internal sealed partial class TemplateDefaults(IReadOnlyDictionary<string, string> given)
{
    [GeneratedRegex(@"\$\{(?<name>[A-Za-z0-9:.]+)\}")]
    private static partial Regex SubVariable();

    /// <summary>The function's environment variables; a variable whose value is AWS::NoValue is left out.</summary>
    public Dictionary<string, string?> FunctionEnvironment()
    {
        var variables = DeployFiles.Function.Properties["Environment"]!["Variables"]!.AsObject();
        var environment = new Dictionary<string, string?>();
        foreach (var (name, value) in variables)
            if (Evaluate(value) is { } text) environment[name] = text;
        return environment;
    }

    public string? Evaluate(JsonNode? node) => node switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonObject o when o["Ref"] is { } r => Ref(r.GetValue<string>()),
        JsonObject o when o["Fn::Sub"] is JsonValue s => SubVariable().Replace(s.GetValue<string>(), m => Ref(m.Groups["name"].Value) ?? ""),
        JsonObject o when o["Fn::If"] is JsonArray a => Condition(a[0]!.GetValue<string>()) ? Evaluate(a[1]) : Evaluate(a[2]),
        _ => throw new InvalidDataException($"No default evaluation for {node?.ToJsonString()}"),
    };

    private string? Ref(string name)
    {
        if (name == "AWS::NoValue") return null;
        if (given.TryGetValue(name, out var value)) return value;
        if (DeployFiles.Parameters[name]?["Default"] is JsonValue d) return d.GetValue<string>();
        throw new InvalidDataException($"No value for {name}: give one (a parameter without default, or a resource)");
    }

    private bool Condition(string name) => Truth(DeployFiles.Template["Conditions"]![name]);

    private bool Truth(JsonNode? node) => node switch
    {
        JsonObject o when o["Fn::Equals"] is JsonArray a => Evaluate(a[0]) == Evaluate(a[1]),
        JsonObject o when o["Fn::Not"] is JsonArray a => !Truth(a[0]),
        JsonObject o when o["Condition"] is JsonValue c => Condition(c.GetValue<string>()),
        _ => throw new InvalidDataException($"No evaluation for condition {node?.ToJsonString()}"),
    };
}
