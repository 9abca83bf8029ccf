using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>Thrown by a function delegate to stand for the Lambda service failing the invoke (Lambda.&lt;Code&gt; in Step Functions).</summary>
internal sealed class LambdaServiceErrorException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>
/// Thrown by a function delegate to stand for Lambda killing the function (its timeout, out of memory): a function
/// error whose body has no errorType, which Step Functions reports as Lambda.Unknown.
/// </summary>
internal sealed class LambdaFunctionKilledException(string message) : Exception(message);

/// <summary>One Lambda invoke the state machine made, in order: the payload it built and what it got back.</summary>
internal sealed record LambdaInvocation(string Function, JsonNode? Payload, int? Status, JsonNode? Result, string? FunctionError, string? ServiceError);

/// <summary>How an execution ended and what it did on the way (test/stepfunctions/run_state_machine.py's document).</summary>
internal sealed record StateMachineRun(
    string Status, JsonNode? Output, string? Error, string? Cause,
    IReadOnlyList<LambdaInvocation> Invocations,
    IReadOnlyList<string> Transitions,
    IReadOnlyList<(string Kind, double Seconds)> Waits,
    JsonArray History, double ElapsedSeconds, JsonObject Document);

/// <summary>
/// Executes an ASL definition in moto's Step Functions interpreter (test/stepfunctions/run_state_machine.py, run by
/// <see cref="MotoPython"/>), with every Lambda invoke it makes answered by <c>function</c>, in this process. Use from a
/// <see cref="MotoFactAttribute"/> test. Retry and Wait sleeps are skipped (recorded in <see cref="StateMachineRun.Waits"/>)
/// unless <see cref="Options.WaitScale"/> says otherwise.
/// </summary>
internal static class StateMachineRunner
{
    public static readonly string Script = Path.Combine(RepositoryRoot.Find(), "test", "stepfunctions", "run_state_machine.py");

    /// <summary>
    /// <see cref="Functions"/>: the definition's placeholders that name a Lambda function (each becomes a stub's ARN,
    /// all answered by the one delegate); <see cref="Substitutions"/>: other placeholders, replaced by text.
    /// </summary>
    public sealed record Options
    {
        public IReadOnlyList<string> Functions { get; init; } = ["ExportFunctionArn"];
        public IReadOnlyDictionary<string, string> Substitutions { get; init; } = new Dictionary<string, string>();
        public double WaitScale { get; init; }
        public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    }

    /// <summary>
    /// <paramref name="function"/> gets each invoke's payload and returns the function's output, or an <c>errorType</c>
    /// (and message) for a function error: Step Functions then sees Error = errorType, Cause = {"errorType":…,"errorMessage":…}.
    /// An exception it throws is a function error named by the exception's type, as the .NET Lambda runtime reports one;
    /// a <see cref="LambdaServiceErrorException"/> is the Lambda service failing the invoke (Error = Lambda.&lt;Code&gt;), and a
    /// <see cref="LambdaFunctionKilledException"/> the function killed by Lambda (Error = Lambda.Unknown).
    /// </summary>
    public static async Task<StateMachineRun> RunAsync(string definitionPath, string inputJson,
        Func<byte[], Task<(byte[] body, string? errorType, string? errorMessage)>> function, Options? options = null)
    {
        options ??= new Options();
        var python = MotoPython.Path ?? throw new InvalidOperationException(MotoPython.MissingReason);
        var (app, baseAddress) = await LoopbackWebServer.StartAsync(context => AnswerAsync(context, function), CancellationToken.None);
        try
        {
            return await RunScriptAsync(python, definitionPath, inputJson, new Uri(baseAddress, "invoke"), options);
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await app.StopAsync(stopping.Token);
            await app.DisposeAsync();
        }
    }

    private static async Task<StateMachineRun> RunScriptAsync(string python, string definitionPath, string inputJson, Uri endpoint, Options options)
    {
        List<string> arguments =
        [
            Script, definitionPath, "--endpoint", endpoint.ToString(), "--input", inputJson,
            "--wait-scale", options.WaitScale.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--timeout", options.Timeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        foreach (var name in options.Functions) arguments.AddRange(["--function", name]);
        foreach (var (name, value) in options.Substitutions) arguments.AddRange(["--substitute", $"{name}={value}"]);

        var run = await ChildProcess.RunAsync(python, arguments, options.Timeout + TimeSpan.FromMinutes(1),
            start => start.Environment["PYTHONDONTWRITEBYTECODE"] = "1");
        if (run.TimedOut) throw new TimeoutException($"run_state_machine.py ran over {options.Timeout}:\n{run.Stderr}");
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"run_state_machine.py failed (exit {run.ExitCode}):\n{run.Stderr}\n{run.Stdout}");
        return Parse(JsonNode.Parse(run.Stdout)!.AsObject());
    }

    private static async Task AnswerAsync(HttpContext context,
        Func<byte[], Task<(byte[] body, string? errorType, string? errorMessage)>> function)
    {
        using var payload = new MemoryStream();
        await context.Request.Body.CopyToAsync(payload, context.RequestAborted);
        byte[] body;
        try
        {
            var (output, errorType, errorMessage) = await function(payload.ToArray());
            body = errorType is null ? output : ErrorBody(errorType, errorMessage, null);
            if (errorType is not null) context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
        }
        catch (LambdaServiceErrorException e)
        {
            context.Response.StatusCode = e.Status;
            context.Response.Headers["X-Amzn-ErrorType"] = e.Code;
            body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["Type"] = "Service", ["message"] = e.Message });
        }
        catch (LambdaFunctionKilledException e)
        {
            // What Lambda answers for a function it stopped: an error with a message and no errorType.
            context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
            body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["errorMessage"] = e.Message });
        }
        catch (Exception e)
        {
            context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
            body = ErrorBody(e.GetType().Name, e.Message, e.StackTrace);
        }
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static byte[] ErrorBody(string errorType, string? errorMessage, string? stackTrace)
    {
        var error = new JsonObject { ["errorType"] = errorType, ["errorMessage"] = errorMessage ?? "" };
        if (stackTrace is not null)
            error["stackTrace"] = new JsonArray(stackTrace.Split('\n').Select(line => (JsonNode?)JsonValue.Create(line.Trim())).ToArray());
        return JsonSerializer.SerializeToUtf8Bytes(error);
    }

    private static StateMachineRun Parse(JsonObject document) => new(
        document["status"]!.GetValue<string>(),
        document["output"]?.DeepClone(),
        document["error"]?.GetValue<string>(),
        document["cause"]?.GetValue<string>(),
        document["invocations"]!.AsArray().Select(i => new LambdaInvocation(
            i!["function"]!.GetValue<string>(), i["payload"]?.DeepClone(), i["status"]?.GetValue<int>(), i["result"]?.DeepClone(),
            i["functionError"]?.GetValue<string>(), i["serviceError"]?.GetValue<string>())).ToArray(),
        document["transitions"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray(),
        document["waits"]!.AsArray().Select(w => (w!["kind"]!.GetValue<string>(), w["seconds"]!.GetValue<double>())).ToArray(),
        document["history"]!.AsArray(),
        document["elapsedSeconds"]!.GetValue<double>(),
        document);
}
