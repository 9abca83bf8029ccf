using System.Reflection;
using System.Text.Json.Nodes;
using S3ZipExport.Contract;
using S3ZipExport.Tests.Deploy;

namespace S3ZipExport.Tests.StateMachine;

/// <summary>
/// The state machine's definition (the template's own file) and the function agree on SlicedExportPayload: every
/// field the definition writes into a payload or reads from a result is one of its names, and every name the function
/// expects from the machine is wired. Also that the definition holds together: every transition names a state and
/// every state is reached.
/// </summary>
public class DefinitionContractTests
{
    private static readonly JsonObject States = DeployFiles.Definition["States"]!.AsObject();

    private static JsonObject State(string name) => States[name]!.AsObject();

    /// <summary>The names of a Parameters object's fields, as they reach the function ("event.$" → "event").</summary>
    private static IReadOnlyList<string> FieldsOf(JsonNode? parameters) =>
        parameters!.AsObject().Select(p => p.Key.EndsWith(".$", StringComparison.Ordinal) ? p.Key[..^2] : p.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>The top-level field a JSONPath into the state's data names ("$.continuation.state" → "continuation").</summary>
    private static string TopField(string path)
    {
        Assert.StartsWith("$.", path);
        return path[2..].Split('.', '[')[0];
    }

    private static IReadOnlyList<string> ContractNames =>
        typeof(SlicedExportPayload).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();

    // What the definition sends and reads, found where it does so.
    private static IReadOnlyList<string> FirstPayload => FieldsOf(State("Begin")["Parameters"]);
    private static IReadOnlyList<string> AbortPayload => FieldsOf(State("Abort")["Parameters"]!["Payload"]);
    private static IReadOnlyList<string> ReadFromResults =>
        State("More?")["Choices"]!.AsArray().Select(c => TopField(c!["Variable"]!.GetValue<string>())).Distinct().ToList();

    [Fact]
    public void Every_field_the_definition_sends_to_the_function_or_reads_from_its_result_is_a_contract_name()
    {
        Assert.All(FirstPayload.Concat(AbortPayload).Concat(ReadFromResults), field => Assert.Contains(field, ContractNames));
    }

    [Fact]
    public void Every_contract_name_is_wired_by_the_definition_or_said_here_why_the_machine_never_touches_it()
    {
        // Each name of the contract, and where the machine deals with it. A name added to the contract fails here
        // until it is wired into the definition or listed as one the machine passes on untouched.
        var roles = new Dictionary<string, Action>
        {
            [SlicedExportPayload.Event] = () => Assert.Contains(SlicedExportPayload.Event, FirstPayload.Intersect(AbortPayload)),
            [SlicedExportPayload.Execution] = () => Assert.Contains(SlicedExportPayload.Execution, FirstPayload.Intersect(AbortPayload)),
            [SlicedExportPayload.StartedAt] = () => Assert.Contains(SlicedExportPayload.StartedAt, FirstPayload.Intersect(AbortPayload)),
            // Read to decide whether to call again; sent back inside the result, which is the next payload as it is.
            [SlicedExportPayload.Continuation] = () => Assert.Equal([SlicedExportPayload.Continuation], ReadFromResults),
            [SlicedExportPayload.Abort] = () => Assert.Contains(SlicedExportPayload.Abort, AbortPayload),
            // Inside the continuation: the machine carries it back whole and never looks in.
            [SlicedExportPayload.State] = () => Assert.DoesNotContain("continuation.", DeployFiles.Definition.ToJsonString()),
            [SlicedExportPayload.Invocation] = () => Assert.DoesNotContain("continuation.", DeployFiles.Definition.ToJsonString()),
            // In the summary, which becomes the execution's output, and in the abort's result, which is dropped.
            [SlicedExportPayload.Invocations] = () => Assert.Equal("$.result", State("Export")["OutputPath"]!.GetValue<string>()),
            [SlicedExportPayload.Aborted] = () => Assert.True(State("Abort").TryGetPropertyValue("ResultPath", out var path) && path is null),
        };

        Assert.Equal(ContractNames, roles.Keys.Order(StringComparer.Ordinal));
        foreach (var (_, check) in roles) check();
    }

    [Fact]
    public void The_first_slice_gets_the_event_the_execution_and_its_start_and_nothing_else()
    {
        Assert.Equal([SlicedExportPayload.Event, SlicedExportPayload.Execution, SlicedExportPayload.StartedAt], FirstPayload);
        var begin = State("Begin");
        Assert.Equal("Pass", begin["Type"]!.GetValue<string>());
        Assert.Equal("Begin", DeployFiles.Definition["StartAt"]!.GetValue<string>());
        Assert.Equal("$", begin["Parameters"]![SlicedExportPayload.Event + ".$"]!.GetValue<string>());
        Assert.Equal("$$.Execution.Name", begin["Parameters"]![SlicedExportPayload.Execution + ".$"]!.GetValue<string>());
        Assert.Equal("$$.Execution.StartTime", begin["Parameters"]![SlicedExportPayload.StartedAt + ".$"]!.GetValue<string>());
    }

    [Fact]
    public void A_slice_sends_its_input_as_the_payload_and_its_output_is_the_functions_result()
    {
        var export = State("Export");
        Assert.Equal("arn:aws:states:::lambda:invoke", export["Resource"]!.GetValue<string>());
        Assert.Equal("${ExportFunctionArn}", export["Parameters"]!["FunctionName"]!.GetValue<string>());
        Assert.Equal("$", export["Parameters"]!["Payload.$"]!.GetValue<string>());
        Assert.Equal("$.Payload", export["ResultSelector"]!["result.$"]!.GetValue<string>());
        Assert.Equal("$.result", export["OutputPath"]!.GetValue<string>());
        Assert.Null(export["ResultPath"]);
        Assert.Equal("More?", export["Next"]!.GetValue<string>());

        var more = State("More?");
        var choice = Assert.Single(more["Choices"]!.AsArray())!;
        Assert.True(choice["IsPresent"]!.GetValue<bool>());
        Assert.Equal("Export", choice["Next"]!.GetValue<string>());
        Assert.Equal("Succeed", State(more["Default"]!.GetValue<string>())["Type"]!.GetValue<string>());
    }

    [Fact]
    public void The_caught_error_is_kept_in_a_slot_no_contract_name_uses_and_is_what_the_abort_sends_as_abort()
    {
        var @catch = Assert.Single(State("Export")["Catch"]!.AsArray())!;
        Assert.Equal(["States.ALL"], @catch["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal("Abort", @catch["Next"]!.GetValue<string>());
        var slot = TopField(@catch["ResultPath"]!.GetValue<string>());
        Assert.DoesNotContain(slot, ContractNames);   // never mistaken for, nor overwriting, a field of the function's

        var abort = State("Abort");
        Assert.Equal("${ExportFunctionArn}", abort["Parameters"]!["FunctionName"]!.GetValue<string>());
        Assert.Equal(@catch["ResultPath"]!.GetValue<string>(), abort["Parameters"]!["Payload"]![SlicedExportPayload.Abort + ".$"]!.GetValue<string>());
        Assert.Equal([SlicedExportPayload.Abort, SlicedExportPayload.Event, SlicedExportPayload.Execution, SlicedExportPayload.StartedAt], AbortPayload);
    }

    [Fact]
    public void The_abort_takes_the_event_execution_and_start_from_the_execution_itself_the_same_sources_as_the_first_slice()
    {
        // Not from the failed slice's input: a result that lost a field cannot keep the abort from naming this export.
        var payload = State("Abort")["Parameters"]!["Payload"]!;
        Assert.Equal("$$.Execution.Input", payload[SlicedExportPayload.Event + ".$"]!.GetValue<string>());   // what Begin's "$" was
        Assert.Equal("$$.Execution.Name", payload[SlicedExportPayload.Execution + ".$"]!.GetValue<string>());
        Assert.Equal("$$.Execution.StartTime", payload[SlicedExportPayload.StartedAt + ".$"]!.GetValue<string>());
    }

    [Fact]
    public void The_abort_sample_is_what_the_definition_sends_to_abort_the_scheduled_events_export()
    {
        var sample = DeployFiles.ReadJson("events/abort.json");
        Assert.Equal(AbortPayload, sample.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(JsonNode.DeepEquals(DeployFiles.ReadJson("events/scheduled.json"), sample[SlicedExportPayload.Event]));
        Assert.Equal(["Cause", "Error"], sample[SlicedExportPayload.Abort]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));   // a caught error's shape
    }

    [Fact]
    public void Every_transition_names_a_state_every_state_is_reached_and_every_failure_ends_in_a_Fail_state()
    {
        static IEnumerable<string> Targets(JsonNode state) =>
            new[] { state["Next"], state["Default"] }.Concat(state["Choices"]?.AsArray().Select(c => c!["Next"]) ?? [])
                .Concat(state["Catch"]?.AsArray().Select(c => c!["Next"]) ?? [])
                .OfType<JsonValue>().Select(v => v.GetValue<string>());

        var reached = new HashSet<string>();
        var next = new Queue<string>([DeployFiles.Definition["StartAt"]!.GetValue<string>()]);
        while (next.TryDequeue(out var name))
        {
            Assert.True(States.ContainsKey(name), $"{name} is not a state");
            if (reached.Add(name)) foreach (var target in Targets(States[name]!)) next.Enqueue(target);
        }
        Assert.Equal(States.Select(s => s.Key).Order(), reached.Order());

        // Both Tasks catch everything; the abort's own failure still ends in a Fail state.
        var afterAbort = new[] { State("Abort")["Next"]!, State("Abort")["Catch"]![0]!["Next"]! }.Select(n => State(n.GetValue<string>()));
        Assert.All(afterAbort, s => Assert.Equal("Fail", s["Type"]!.GetValue<string>()));
        Assert.Equal(["States.ALL"], State("Abort")["Catch"]![0]!["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>()));
    }
}
