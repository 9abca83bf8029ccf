using System.Reflection;
using YamlDotNet.RepresentationModel;
using static S3ZipExport.LocalInvoke.TemplateYaml;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// The function's handler, <c>Assembly::Type::Method</c>, as the managed runtime resolves it: the assembly loaded by
/// name, the type created with its public parameterless constructor, the method called with the payload as a Stream.
/// </summary>
internal sealed record HandlerEntry(string AssemblyName, string TypeName, string MethodName)
{
    public const string DefaultHandler = "S3ZipExport::S3ZipExport.Function::HandleAsync";

    public override string ToString() => $"{AssemblyName}::{TypeName}::{MethodName}";

    public static HandlerEntry Parse(string handler)
    {
        var parts = handler.Split("::");
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
            throw new InvalidOperationException($"Handler '{handler}' is not of the form Assembly::Namespace.Type::Method.");
        return new HandlerEntry(parts[0], parts[1], parts[2]);
    }

    /// <summary>
    /// The Handler of the first function in the SAM/CloudFormation template (Properties.Handler, else
    /// Globals.Function.Handler); <see cref="DefaultHandler"/> when there is no template.
    /// </summary>
    public static HandlerEntry FromTemplate(string? templatePath)
    {
        if (TemplateYaml.Load(templatePath) is not { } root) return Parse(DefaultHandler);

        string? globalHandler = Scalar(Child(Child(root, "Globals"), "Function"), "Handler");
        if (Child(root, "Resources") is YamlMappingNode resources)
        {
            foreach (var (_, resource) in resources.Children)
            {
                var type = Scalar(resource, "Type");
                if (type is not ("AWS::Serverless::Function" or "AWS::Lambda::Function")) continue;
                if ((Scalar(Child(resource, "Properties"), "Handler") ?? globalHandler) is { } handler) return Parse(handler);
            }
        }
        throw new InvalidOperationException($"{templatePath} has no function with a Handler (Resources.*.Properties.Handler or Globals.Function.Handler).");
    }

    /// <summary>Calls the handler with <paramref name="payload"/> and returns the Stream it returned.</summary>
    public async Task<Stream> InvokeAsync(Stream payload)
    {
        var assembly = Assembly.Load(new AssemblyName(AssemblyName));
        var type = assembly.GetType(TypeName, throwOnError: false)
            ?? throw new InvalidOperationException($"Handler {this}: type '{TypeName}' is not in {assembly.GetName().Name}.");
        var method = type.GetMethod(MethodName, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static, [typeof(Stream)])
            ?? throw new InvalidOperationException($"Handler {this}: '{TypeName}' has no public method {MethodName}(Stream).");
        var target = method.IsStatic ? null : Activator.CreateInstance(type);

        object? result;
        try
        {
            result = method.Invoke(target, [payload]);
            if (result is Task task)
            {
                await task;
                result = task.GetType().GetProperty(nameof(Task<object>.Result))?.GetValue(task);
            }
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        return result as Stream ?? throw new InvalidOperationException($"Handler {this} returned {result?.GetType().Name ?? "null"}, not a Stream.");
    }
}
