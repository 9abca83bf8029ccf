using YamlDotNet.RepresentationModel;

namespace S3ZipExport.LocalInvoke;

/// <summary>The SAM template read as plain YAML: tags such as !Ref and !Sub are kept on their nodes, not resolved.</summary>
internal static class TemplateYaml
{
    /// <summary>The template's root mapping; null when there is no file at <paramref name="templatePath"/>.</summary>
    public static YamlMappingNode? Load(string? templatePath)
    {
        if (templatePath is null || !File.Exists(templatePath)) return null;
        var yaml = new YamlStream();
        using (var reader = File.OpenText(templatePath)) yaml.Load(reader);
        return yaml.Documents.FirstOrDefault()?.RootNode as YamlMappingNode;
    }

    public static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static string? Scalar(YamlNode? node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    /// <summary>A parameter's Default (Parameters.NAME.Default), or null.</summary>
    public static string? ParameterDefault(YamlMappingNode? template, string name) => Scalar(Child(Child(template, "Parameters"), name), "Default");
}
