using System.Text;
using System.Text.Json.Nodes;
using S3ZipExport.Settings;

namespace S3ZipExport.Tests.Deploy;

/// <summary>The schedule that starts the export (an execution of the state machine), and where failed runs go.</summary>
public class ScheduleTests
{
    private static JsonObject Schedule =>
        Assert.Single(DeployFiles.StateMachine.Properties["Events"]!.AsObject(), e => e.Value!["Type"]!.GetValue<string>() == "ScheduleV2")
            .Value!["Properties"]!.AsObject();

    [Fact]
    public void The_schedule_starts_the_state_machine_and_the_function_has_no_schedule_of_its_own()
    {
        Assert.Single(DeployFiles.StateMachine.Properties["Events"]!.AsObject());
        Assert.Null(DeployFiles.Function.Properties["Events"]);
        Assert.Empty(DeployFiles.ResourcesOfType("AWS::Scheduler::Schedule"));   // no second schedule beside SAM's
    }

    private static string Input => Schedule["Input"]!["Fn::Sub"]!.GetValue<string>();

    [Fact]
    public void Schedule_runs_daily_at_3am_Tokyo_time_by_default()
    {
        Assert.Equal("cron(0 3 * * ? *)", DeployFiles.DefaultOf(Schedule["ScheduleExpression"]));
        Assert.Equal("Asia/Tokyo", DeployFiles.DefaultOf(Schedule["ScheduleExpressionTimezone"]));
    }

    [Fact]
    public void Schedule_retries_and_sends_undeliverable_runs_to_a_queue_of_the_stack()
    {
        var retry = Schedule["RetryPolicy"]!;
        Assert.InRange(int.Parse(retry["MaximumRetryAttempts"]!.GetValue<string>()), 1, 185);
        Assert.InRange(int.Parse(retry["MaximumEventAgeInSeconds"]!.GetValue<string>()), 60, 86400);
        Assert.Equal("AWS::SQS::Queue", QueueTypeOf(Schedule["DeadLetterConfig"]!["Arn"]));
    }

    [Fact]
    public void Direct_asynchronous_runs_that_fail_inside_the_function_go_to_the_same_queue()
    {
        var invokeConfig = DeployFiles.Function.Properties["EventInvokeConfig"]!;
        var onFailure = invokeConfig["DestinationConfig"]!["OnFailure"]!;
        Assert.Equal("SQS", onFailure["Type"]!.GetValue<string>());
        Assert.Equal("AWS::SQS::Queue", QueueTypeOf(onFailure["Destination"]));
        Assert.Equal(Schedule["DeadLetterConfig"]!["Arn"]!.ToJsonString(), onFailure["Destination"]!.ToJsonString());
    }

    [Fact]
    public void Input_is_JSON_shaped_like_a_scheduled_event_with_the_scheduler_placeholders()
    {
        var input = JsonNode.Parse(Input)!;
        Assert.Equal("Scheduled Event", input["detail-type"]!.GetValue<string>());
        Assert.Equal("<aws.scheduler.scheduled-time>", input["time"]!.GetValue<string>());
        Assert.Equal("<aws.scheduler.execution-id>", input["id"]!.GetValue<string>());
    }

    [Fact]
    public void Input_as_Scheduler_delivers_it_names_the_run_by_its_scheduled_time_with_no_overrides()
    {
        var delivered = Input
            .Replace("<aws.scheduler.scheduled-time>", "2026-11-24T18:00:00Z")
            .Replace("<aws.scheduler.execution-id>", "0d9a7e3c-8f41-4b6e-a1f2-7c5d3e9b2a10")
            .Replace("<aws.scheduler.schedule-arn>", "arn:aws:scheduler:ap-northeast-1:123456789012:schedule/default/daily")
            .Replace("${AWS::AccountId}", "123456789012")
            .Replace("${AWS::Region}", "ap-northeast-1");
        Assert.DoesNotContain("${", delivered);

        var invocation = InvocationEvent.Parse(Encoding.UTF8.GetBytes(delivered), TimeProvider.System);

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero), invocation.Time);
        Assert.Equal("0d9a7e3c-8f41-4b6e-a1f2-7c5d3e9b2a10", invocation.Id);
        Assert.Empty(invocation.Overrides);
    }

    [Fact]
    public void Sample_scheduled_event_has_the_same_fields_as_the_schedule_input()
    {
        var sample = DeployFiles.ReadJson("events/scheduled.json").Select(p => p.Key).Order();
        var input = JsonNode.Parse(Input)!.AsObject().Select(p => p.Key).Order();
        Assert.Equal(input, sample);
    }

    private static string? QueueTypeOf(JsonNode? arn)
    {
        var getAtt = arn!["Fn::GetAtt"]!.AsArray();
        Assert.Equal("Arn", getAtt[1]!.GetValue<string>());
        return DeployFiles.Type(DeployFiles.Resources[getAtt[0]!.GetValue<string>()]);
    }
}
