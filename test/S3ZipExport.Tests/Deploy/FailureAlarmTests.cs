using System.Text.Json.Nodes;

namespace S3ZipExport.Tests.Deploy;

/// <summary>
/// What the README's Deploy section promises for runs that fail outside a state machine execution: a dead-letter
/// queue for runs that never ran or failed after Lambda's retry, an alarm on it and on the function's errors, and a
/// log group with retention for the function's log.
/// </summary>
public class FailureAlarmTests
{
    private static JsonObject Resource(string logicalId) => DeployFiles.Resources[logicalId]!.AsObject();

    private static IEnumerable<JsonObject> Alarms(string ns, string metric) =>
        DeployFiles.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Value!["Properties"]!.AsObject())
            .Where(p => p["Namespace"]!.GetValue<string>() == ns && p["MetricName"]!.GetValue<string>() == metric);

    [Fact]
    public void Failed_schedules_and_failed_asynchronous_invocations_go_to_one_queue_that_keeps_them_14_days()
    {
        var function = DeployFiles.Function.Properties;
        var onFailure = function["EventInvokeConfig"]!["DestinationConfig"]!["OnFailure"]!;
        Assert.Equal("SQS", onFailure["Type"]!.GetValue<string>());
        var queue = onFailure["Destination"]!["Fn::GetAtt"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal([queue[0], "Arn"], queue);
        Assert.Equal("AWS::SQS::Queue", DeployFiles.Type(DeployFiles.Resources[queue[0]]));
        Assert.Equal("1209600", Resource(queue[0])["Properties"]!["MessageRetentionPeriod"]!.ToString());

        var schedule = (function["Events"]?.AsObject().Select(e => e.Value!) ?? [])
            .Concat(DeployFiles.StateMachine.Properties["Events"]?.AsObject().Select(e => e.Value!) ?? [])
            .Single(e => e["Type"]!.GetValue<string>() == "ScheduleV2");
        Assert.Equal([queue[0], "Arn"], schedule["Properties"]!["DeadLetterConfig"]!["Arn"]!["Fn::GetAtt"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void The_queue_and_the_functions_errors_each_raise_an_alarm_at_the_first_failure()
    {
        var queueAlarm = Assert.Single(Alarms("AWS/SQS", "ApproximateNumberOfMessagesVisible"));
        var errorsAlarm = Assert.Single(Alarms("AWS/Lambda", "Errors"));
        Assert.Equal(DeployFiles.Function.LogicalId, errorsAlarm["Dimensions"]![0]!["Value"]!["Ref"]!.GetValue<string>());
        foreach (var alarm in new[] { queueAlarm, errorsAlarm })
        {
            Assert.Equal("1", alarm["Threshold"]!.ToString());
            Assert.Equal("GreaterThanOrEqualToThreshold", alarm["ComparisonOperator"]!.GetValue<string>());
            Assert.Equal("notBreaching", alarm["TreatMissingData"]!.GetValue<string>());
        }
    }

    [Fact]
    public void The_functions_log_group_has_the_retention_the_stack_is_given()
    {
        var group = Assert.Single(DeployFiles.ResourcesOfType("AWS::Logs::LogGroup")).Value!["Properties"]!;
        Assert.Equal("LogRetentionInDays", group["RetentionInDays"]!["Ref"]!.GetValue<string>());
        Assert.Equal("30", DeployFiles.Parameters["LogRetentionInDays"]!["Default"]!.ToString());
        // Lambda writes to /aws/lambda/<function name>: the group must be that one, or the retention applies to nothing.
        var functionName = DeployFiles.Function.Properties["FunctionName"]!["Fn::Sub"]!.GetValue<string>();
        Assert.Equal($"/aws/lambda/{functionName}", group["LogGroupName"]!["Fn::Sub"]!.GetValue<string>());
    }
}
