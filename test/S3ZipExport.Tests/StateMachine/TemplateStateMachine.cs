using S3ZipExport.Tests.Deploy;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.StateMachine;

/// <summary>The template's own state machine, as the harness runs it: its definition file, its function placeholders, the sample event.</summary>
internal static class TemplateStateMachine
{
    /// <summary>statemachine/export.asl.json, found as the template names it (DefinitionUri).</summary>
    public static readonly string Definition = DeployFiles.PathOf(DeployFiles.StateMachine.Properties["DefinitionUri"]!.GetValue<string>());

    /// <summary>The deployed sample of a schedule's event (events/scheduled.json): each execution's input.</summary>
    public static readonly string ScheduledEvent = File.ReadAllText(DeployFiles.PathOf("events/scheduled.json"));

    /// <summary>Every DefinitionSubstitutions placeholder becomes a Lambda function routed to the test's delegate.</summary>
    public static readonly StateMachineRunner.Options Options = new()
    {
        Functions = DeployFiles.StateMachine.Properties["DefinitionSubstitutions"]!.AsObject().Select(s => s.Key).ToList(),
    };

    /// <summary>The name the harness gives its one execution.</summary>
    public const string Execution = "harness-execution";
}
