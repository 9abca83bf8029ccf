using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace S3ZipExport.Tests.Deploy;

/// <summary>
/// Reads a CloudFormation/SAM YAML template into the JSON form CloudFormation itself uses, so tests navigate one
/// shape. Short-form intrinsics become their long form (<c>!Ref X</c> → <c>{"Ref":"X"}</c>, <c>!GetAtt A.B</c> →
/// <c>{"Fn::GetAtt":["A","B"]}</c>, <c>!Sub s</c> → <c>{"Fn::Sub":s}</c>, ...); plain YAML deserializers reject
/// these tags. Scalars stay strings: CloudFormation passes numbers and booleans to resources as text anyway.
/// </summary>
internal static class CloudFormationYaml
{
    public static JsonObject Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (JsonObject)Convert(stream.Documents.Single().RootNode)!;
    }

    private static JsonNode? Convert(YamlNode node)
    {
        JsonNode? value = node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(p =>
                KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, Convert(p.Value)))),
            YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
            YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
            _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType} at {node.Start}"),
        };

        var tag = node.Tag.IsEmpty ? "" : node.Tag.Value;
        if (tag is "" or "!" || tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal)) return value;
        var name = tag.TrimStart('!');
        if (name == "Ref") return new JsonObject { ["Ref"] = value };
        if (name == "GetAtt" && value is JsonValue dotted)
        {
            var text = dotted.GetValue<string>();
            var dot = text.IndexOf('.');
            return new JsonObject { ["Fn::GetAtt"] = new JsonArray(text[..dot], text[(dot + 1)..]) };
        }
        if (name == "Condition") return new JsonObject { ["Condition"] = value };
        return new JsonObject { ["Fn::" + name] = value };
    }
}
