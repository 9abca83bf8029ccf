using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace S3ZipExport.Tests.Deploy;

/// <summary>
/// The state machine in template.yaml: which definition it runs and what is substituted into it, the one thing its
/// role may do, its time limits against the function's, and the alarms on its executions.
/// </summary>
public partial class StateMachineTemplateTests
{
    private static JsonObject Properties => DeployFiles.StateMachine.Properties;

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z0-9_.:-]+)\}")]
    private static partial Regex Placeholder();

    private static int Number(JsonNode? node) => int.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture);

    [Fact]
    public void A_standard_workflow_runs_the_definition_file_with_the_functions_ARN_substituted_for_its_only_placeholder()
    {
        Assert.Equal("STANDARD", Properties["Type"]!.GetValue<string>());
        Assert.Equal("statemachine/export.asl.json", Properties["DefinitionUri"]!.GetValue<string>());
        Assert.Null(Properties["Definition"]);

        var text = File.ReadAllText(DeployFiles.PathOf(Properties["DefinitionUri"]!.GetValue<string>()));
        var placeholders = Placeholder().Matches(text).Select(m => m.Groups["name"].Value).Distinct();
        var substitution = Assert.Single(Properties["DefinitionSubstitutions"]!.AsObject());
        Assert.Equal([substitution.Key], placeholders);
        Assert.Equal("ExportFunctionArn", substitution.Key);
        Assert.Equal([DeployFiles.Function.LogicalId, "Arn"], substitution.Value!["Fn::GetAtt"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Its_role_may_invoke_the_export_function_and_nothing_else()
    {
        Assert.Null(Properties["Role"]);   // SAM makes the role from Policies, and nothing else goes into it
        var policy = Assert.IsType<JsonObject>(Assert.Single(Properties["Policies"]!.AsArray()));   // inline: no managed or SAM template policy
        var statement = Assert.Single(policy["Statement"]!.AsArray())!;
        Assert.Equal("Allow", statement["Effect"]!.GetValue<string>());
        Assert.Equal("lambda:InvokeFunction", statement["Action"]!.GetValue<string>());
        Assert.Equal([DeployFiles.Function.LogicalId, "Arn"], statement["Resource"]!["Fn::GetAtt"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Null(statement["Condition"]);
    }

    [Fact]
    public void No_logging_or_tracing_that_would_widen_the_role()
    {
        // Log delivery needs logs:*LogDelivery and logs:PutResourcePolicy on "*", and X-Ray its own "*" actions: the
        // execution history (90 days) and the function's log are the record instead. See the comment in the template.
        Assert.Null(Properties["Logging"]);
        Assert.Null(Properties["Tracing"]);
    }

    [Fact]
    public void The_machines_time_limit_stays_above_the_most_invocations_the_function_may_take_and_a_slice_above_the_function_timeout()
    {
        var definition = DeployFiles.Definition;
        var machine = TimeSpan.FromSeconds(definition["TimeoutSeconds"]!.GetValue<int>());
        var longestInvocation = TimeSpan.FromSeconds(Number(DeployFiles.Parameters["Timeout"]!["MaxValue"]));
        var mostInvocations = Number(DeployFiles.Parameters["MaxInvocations"]!["MaxValue"]);

        // The function's own limit (EXPORT_MAX_INVOCATIONS) ends a runaway export with an abort; the machine's limit is
        // the guard behind it, which ends the execution without one.
        Assert.Equal(TimeSpan.FromHours(72), machine);
        Assert.True(mostInvocations * longestInvocation < machine, $"{mostInvocations} × {longestInvocation} is not under {machine}");

        // A Task's own timeout must not cut a slice Lambda still runs: the abort would then race it.
        foreach (var (name, state) in definition["States"]!.AsObject().Where(s => s.Value!["Type"]!.GetValue<string>() == "Task"))
            Assert.True(TimeSpan.FromSeconds(state!["TimeoutSeconds"]!.GetValue<int>()) > longestInvocation, $"{name}'s TimeoutSeconds");
    }

    [Theory]
    [InlineData("ExecutionsFailed")]
    [InlineData("ExecutionsTimedOut")]
    public void An_alarm_watches_the_machines_executions_that_end_without_success(string metric)
    {
        var alarm = Assert.Single(DeployFiles.ResourcesOfType("AWS::CloudWatch::Alarm"),
            a => a.Value!["Properties"]!["Namespace"]!.GetValue<string>() == "AWS/States" && a.Value["Properties"]!["MetricName"]!.GetValue<string>() == metric)
            .Value!["Properties"]!;
        var dimension = Assert.Single(alarm["Dimensions"]!.AsArray())!;
        Assert.Equal("StateMachineArn", dimension["Name"]!.GetValue<string>());
        Assert.Equal(DeployFiles.StateMachine.LogicalId, dimension["Value"]!["Ref"]!.GetValue<string>());   // Ref of a state machine is its ARN

        Assert.Equal("Sum", alarm["Statistic"]!.GetValue<string>());
        Assert.Equal("1", alarm["Threshold"]!.GetValue<string>());
        Assert.Equal("GreaterThanOrEqualToThreshold", alarm["ComparisonOperator"]!.GetValue<string>());
        Assert.Equal("notBreaching", alarm["TreatMissingData"]!.GetValue<string>());

        // The same optional SNS topic as the stack's other alarms.
        var others = DeployFiles.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Value!["Properties"]!["AlarmActions"]!.ToJsonString()).Distinct();
        Assert.Equal(alarm["AlarmActions"]!.ToJsonString(), Assert.Single(others));
        Assert.Equal("HasAlarmTopic", alarm["AlarmActions"]!["Fn::If"]![0]!.GetValue<string>());
    }

    [Fact]
    public void The_stack_outputs_the_machines_ARN_for_starting_an_execution_by_hand() =>
        Assert.Equal(DeployFiles.StateMachine.LogicalId, DeployFiles.Template["Outputs"]!["StateMachineArn"]!["Value"]!["Ref"]!.GetValue<string>());
}
