using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using S3ZipExport.Contract;
using S3ZipExport.Export;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.StateMachine;

/// <summary>
/// The template's own definition (statemachine/export.asl.json, as DefinitionUri names it) executed in moto's Step
/// Functions interpreter, with every invoke answered by <see cref="ContractFunction"/>, a stand-in that follows
/// SlicedExportPayload: the loop, its retries, the catch, the abort and how the execution ends.
/// </summary>
public sealed class ExportLoopTests
{
    private static readonly string ScheduledEvent = TemplateStateMachine.ScheduledEvent;
    private const string Execution = TemplateStateMachine.Execution;

    /// <summary>
    /// Stands in for the export function as the contract describes it: a slice returns its payload with a continuation
    /// for the next invocation, until invocation <c>invocations</c>, which returns the summary with the number of
    /// invocations; an abort payload is acknowledged. <see cref="Slice"/> runs first in each slice (not in an abort) and
    /// may throw to fail it; <see cref="OnAbort"/> likewise for an abort. Every payload is kept, in order.
    /// </summary>
    private sealed class ContractFunction(int invocations)
    {
        private readonly List<JsonObject> _payloads = [];

        public Action<int>? Slice { get; init; }
        public Action? OnAbort { get; init; }
        /// <summary>Changes a continuation result before it is returned (to break the contract on purpose).</summary>
        public Action<JsonObject>? Tamper { get; init; }

        public IReadOnlyList<JsonObject> Payloads { get { lock (_payloads) return [.. _payloads]; } }
        public IReadOnlyList<JsonObject> Slices => Payloads.Where(p => !p.ContainsKey(SlicedExportPayload.Abort)).ToList();
        public IReadOnlyList<JsonObject> Aborts => Payloads.Where(p => p.ContainsKey(SlicedExportPayload.Abort)).ToList();

        public Task<(byte[] body, string? errorType, string? errorMessage)> InvokeAsync(byte[] body)
        {
            var payload = JsonNode.Parse(body)!.AsObject();
            lock (_payloads) _payloads.Add(payload);
            if (payload.ContainsKey(SlicedExportPayload.Abort))
            {
                OnAbort?.Invoke();
                return Answer(new JsonObject { [SlicedExportPayload.Aborted] = true, ["key"] = "exports/x.zip", ["uploadsAborted"] = 1, ["stateObjectsDeleted"] = 2 });
            }

            // A payload without "event" is what a broken result would give the next slice: the function refuses it.
            if (!payload.ContainsKey(SlicedExportPayload.Event)) throw new ArgumentException("the payload has no event");
            var invocation = payload[SlicedExportPayload.Continuation]?[SlicedExportPayload.Invocation]?.GetValue<int>() ?? 1;
            try
            {
                Slice?.Invoke(invocation);
            }
            catch (NamedFunctionError e)
            {
                return Task.FromResult((Array.Empty<byte>(), (string?)e.ErrorType, (string?)e.Message));
            }
            if (invocation == invocations)
                return Answer(new JsonObject { ["key"] = "exports/x.zip", ["records"] = 1000 * invocation, [SlicedExportPayload.Invocations] = invocation });

            var more = payload.DeepClone().AsObject();
            more[SlicedExportPayload.Continuation] = new JsonObject
            {
                [SlicedExportPayload.State] = $"s3://exports/exports-state/{payload[SlicedExportPayload.Execution]}/state.json",
                [SlicedExportPayload.Invocation] = invocation + 1,
            };
            Tamper?.Invoke(more);
            return Answer(more);
        }

        private static Task<(byte[], string?, string?)> Answer(JsonObject output) =>
            Task.FromResult((JsonSerializer.SerializeToUtf8Bytes(output), (string?)null, (string?)null));
    }

    /// <summary>Runs one execution against <paramref name="function"/>, which must end in <paramref name="status"/>.</summary>
    private static async Task<StateMachineRun> RunAsync(ContractFunction function, string status)
    {
        var run = await StateMachineRunner.RunAsync(TemplateStateMachine.Definition, ScheduledEvent, function.InvokeAsync, TemplateStateMachine.Options);
        Assert.True(run.Status == status, run.Document.ToJsonString());
        return run;
    }

    /// <summary>A five-invocation export whose invocation <paramref name="invocation"/> fails, every time, with <paramref name="error"/>.</summary>
    private static ContractFunction FailingAt(int invocation, Func<Exception> error) =>
        new(invocations: 5) { Slice = n => { if (n == invocation) throw error(); } };

    /// <summary>The three fields every payload of this export carries alike: the event, the execution, its start.</summary>
    private static string Identity(JsonObject payload) =>
        new JsonObject
        {
            [SlicedExportPayload.Event] = payload[SlicedExportPayload.Event]?.DeepClone(),
            [SlicedExportPayload.Execution] = payload[SlicedExportPayload.Execution]?.DeepClone(),
            [SlicedExportPayload.StartedAt] = payload[SlicedExportPayload.StartedAt]?.DeepClone(),
        }.ToJsonString();

    private static void AssertIsThisExport(JsonObject payload)
    {
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ScheduledEvent), payload[SlicedExportPayload.Event]), payload.ToJsonString());
        Assert.Equal(Execution, payload[SlicedExportPayload.Execution]!.GetValue<string>());
        Assert.True(DateTimeOffset.TryParse(payload[SlicedExportPayload.StartedAt]!.GetValue<string>(), CultureInfo.InvariantCulture, out _));
    }

    [MotoFact]
    public async Task Five_invocations_loop_to_the_summary_each_sent_the_previous_result_with_the_same_event_execution_and_start()
    {
        var function = new ContractFunction(invocations: 5);

        var run = await RunAsync(function, "SUCCEEDED");

        Assert.Equal(5, run.Output![SlicedExportPayload.Invocations]!.GetValue<int>());
        Assert.Equal(5000, run.Output["records"]!.GetValue<int>());
        string[] transitions = ["Begin", .. Enumerable.Repeat<string[]>(["Export", "More?"], 5).SelectMany(s => s), "Done"];
        Assert.Equal(transitions, run.Transitions);

        var slices = function.Slices;
        Assert.Equal(5, slices.Count);
        Assert.Empty(function.Aborts);
        Assert.Null(slices[0][SlicedExportPayload.Continuation]);
        AssertIsThisExport(slices[0]);
        Assert.Equal([SlicedExportPayload.Event, SlicedExportPayload.Execution, SlicedExportPayload.StartedAt], slices[0].Select(p => p.Key).Order(StringComparer.Ordinal));
        for (var i = 1; i < slices.Count; i++)
        {
            // The next payload is the previous result as it was: its continuation, and the same identity.
            Assert.True(JsonNode.DeepEquals(run.Invocations[i - 1].Result, slices[i]), slices[i].ToJsonString());
            Assert.Equal(i + 1, slices[i][SlicedExportPayload.Continuation]![SlicedExportPayload.Invocation]!.GetValue<int>());
            Assert.Equal(Identity(slices[0]), Identity(slices[i]));
        }
        Assert.Empty(run.Waits);
    }

    [MotoFact]
    public async Task A_failure_at_invocation_3_aborts_once_with_the_error_and_the_export_then_fails_with_that_error_as_cause()
    {
        var function = FailingAt(3, () => new ExportFailedException("the source answered HTTP 500 five times"));

        var run = await RunAsync(function, "FAILED");

        Assert.Equal(["Begin", "Export", "More?", "Export", "More?", "Export", "Abort", "Failed"], run.Transitions);
        Assert.Equal(3, function.Slices.Count);   // a function error is not retried

        var abort = Assert.Single(function.Aborts);
        Assert.Equal(Identity(function.Slices[0]), Identity(abort));
        AssertIsThisExport(abort);
        var error = abort[SlicedExportPayload.Abort]!;
        Assert.Equal(nameof(ExportFailedException), error["Error"]!.GetValue<string>());
        var cause = JsonNode.Parse(error["Cause"]!.GetValue<string>())!;
        Assert.Equal("the source answered HTTP 500 five times", cause["errorMessage"]!.GetValue<string>());

        Assert.Equal("ExportFailed", run.Error);
        Assert.Equal($"{nameof(ExportFailedException)}: {error["Cause"]!.GetValue<string>()}", run.Cause);
    }

    [MotoTheory]
    [InlineData(null)]                 // Lambda.Unknown: how Step Functions documents a timeout or out of memory
    [InlineData("Sandbox.Timedout")]   // how Lambda names a timeout in the answer of newer runtimes
    public async Task A_slice_killed_by_Lambda_is_retried_with_the_same_payload_and_the_export_resumes_to_its_summary(string? errorType)
    {
        var killed = 0;
        var function = new ContractFunction(invocations: 5)
        {
            Slice = n =>
            {
                if (n != 3 || Interlocked.Increment(ref killed) > 1) return;
                if (errorType is null) throw new LambdaFunctionKilledException("Task timed out after 900.00 seconds");
                throw new NamedFunctionError(errorType, "RequestId: 0d9a Error: Task timed out after 900.00 seconds");
            },
        };

        var run = await RunAsync(function, "SUCCEEDED");

        Assert.Equal(errorType ?? "Lambda.Unknown", run.History.Select(e => e!["taskFailedEventDetails"]?["error"]?.GetValue<string>()).Single(e => e is not null));
        Assert.Equal(6, function.Slices.Count);
        Assert.Equal(function.Slices[2].ToJsonString(), function.Slices[3].ToJsonString());   // the retry resumes from the same state
        Assert.Equal(3, function.Slices[3][SlicedExportPayload.Continuation]![SlicedExportPayload.Invocation]!.GetValue<int>());
        Assert.Empty(function.Aborts);
        Assert.Equal([("retry", 10.0)], run.Waits);
    }

    /// <summary>A function error whose errorType is not a .NET type name, as Lambda's own are (Sandbox.Timedout, ...).</summary>
    private sealed class NamedFunctionError(string errorType, string message) : Exception(message)
    {
        public string ErrorType { get; } = errorType;
    }

    [MotoFact]
    public async Task A_slice_killed_every_time_is_retried_twice_then_aborted()
    {
        var function = FailingAt(2, () => new LambdaFunctionKilledException("Runtime exited with error: signal: killed"));

        var run = await RunAsync(function, "FAILED");

        Assert.Equal(4, function.Slices.Count);   // invocation 1, then invocation 2 three times
        Assert.Equal([("retry", 10.0), ("retry", 20.0)], run.Waits);
        Assert.Equal("Lambda.Unknown", Assert.Single(function.Aborts)[SlicedExportPayload.Abort]!["Error"]!.GetValue<string>());
        Assert.Equal("ExportFailed", run.Error);
        Assert.StartsWith("Lambda.Unknown: ", run.Cause);
    }

    [MotoFact]
    public async Task A_Lambda_service_error_is_retried_with_backoff_and_the_export_goes_on()
    {
        var refused = 0;
        var function = new ContractFunction(invocations: 3)
        {
            Slice = n =>
            {
                if (n != 2) return;
                switch (Interlocked.Increment(ref refused))
                {
                    case 1: throw new LambdaServiceErrorException(429, "TooManyRequestsException", "Rate exceeded");
                    case 2: throw new LambdaServiceErrorException(500, "ServiceException", "Lambda had a moment");
                }
            },
        };

        var run = await RunAsync(function, "SUCCEEDED");

        Assert.Equal(3, run.Output![SlicedExportPayload.Invocations]!.GetValue<int>());
        Assert.Equal(["TooManyRequestsException", "ServiceException"], run.Invocations.Select(i => i.ServiceError).OfType<string>());
        Assert.Equal([("retry", 2.0), ("retry", 4.0)], run.Waits);
        Assert.Empty(function.Aborts);
    }

    [MotoFact]
    public async Task An_abort_that_fails_for_good_still_ends_the_execution_in_a_Fail_state_naming_both_errors()
    {
        var function = new ContractFunction(invocations: 5)
        {
            Slice = n => { if (n == 2) throw new ExportFailedException("the deadline came before a cut"); },
            OnAbort = () => throw new InvalidOperationException("the state object could not be read"),
        };

        var run = await RunAsync(function, "FAILED");

        Assert.Equal(["Begin", "Export", "More?", "Export", "Abort", "AbortFailed"], run.Transitions);
        Assert.Single(function.Aborts);   // a function error of the abort is not retried either
        Assert.Equal("ExportAbortFailed", run.Error);
        Assert.StartsWith($"{nameof(ExportFailedException)}: ", run.Cause);
        Assert.Contains("the deadline came before a cut", run.Cause);
        Assert.Contains($"(then the abort failed: {nameof(InvalidOperationException)}: ", run.Cause);
    }

    [MotoFact]
    public async Task The_abort_names_this_export_even_when_the_failed_slices_input_lost_its_fields()
    {
        // A result that breaks the contract (no event, execution or start): the next slice refuses it.
        var function = new ContractFunction(invocations: 5)
        {
            Tamper = result =>
            {
                result.Remove(SlicedExportPayload.Event);
                result.Remove(SlicedExportPayload.Execution);
                result.Remove(SlicedExportPayload.StartedAt);
            },
        };

        var run = await RunAsync(function, "FAILED");

        Assert.Equal(nameof(ArgumentException), Assert.Single(function.Aborts)[SlicedExportPayload.Abort]!["Error"]!.GetValue<string>());
        Assert.Equal(Identity(function.Slices[0]), Identity(function.Aborts[0]));
        AssertIsThisExport(function.Aborts[0]);
        Assert.Equal("ExportFailed", run.Error);
    }
}
