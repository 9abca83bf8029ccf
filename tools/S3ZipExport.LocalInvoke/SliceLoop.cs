using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using S3ZipExport.Contract;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// <c>--slice-seconds N</c>: the export run on this machine as the state machine runs it (statemachine/export.asl.json).
/// The event is wrapped as its Begin state wraps it, the function cuts every N seconds (EXPORT_SLICE_SECONDS), each
/// result that has a continuation goes back as the next payload, and the result without one is the summary. A failure
/// is followed by the abort its Abort state sends, then reported. One line an invocation says how far the export got;
/// the function's own "export cut" and "export resumed" lines, and every "export started" after the first, are folded
/// into it.
/// </summary>
/// <param name="invoke">Invokes the function with a payload, its log lines to the given callback; ends the progress line when it returns or throws.</param>
/// <param name="afterFailedAbort">What becomes of an export whose abort failed, said after that failure.</param>
internal sealed class SliceLoop(Func<byte[], Action<string>, Task<byte[]>> invoke, ProgressDisplay display, TextWriter status, string afterFailedAbort)
{
    /// <summary>The template parameter whose default is EXPORT_STATE_PREFIX when the environment does not set it.</summary>
    public const string StatePrefixParameter = "StatePrefix";

    private readonly Stopwatch _wall = new();
    private Progress? _cut;

    /// <summary>
    /// Sets EXPORT_SLICE_SECONDS, and EXPORT_STATE_PREFIX to the template's default unless the environment sets it;
    /// returns the prefix in use. Throws when neither the environment nor a template gives one.
    /// </summary>
    public static string Configure(double sliceSeconds, string? templatePath)
    {
        Environment.SetEnvironmentVariable(SettingNames.SliceSeconds, sliceSeconds.ToString("R", CultureInfo.InvariantCulture));
        var prefix = Environment.GetEnvironmentVariable(SettingNames.StatePrefix);
        if (string.IsNullOrWhiteSpace(prefix))
        {
            prefix = TemplateYaml.ParameterDefault(TemplateYaml.Load(templatePath), StatePrefixParameter)
                ?? throw new InvalidOperationException($"{SettingNames.StatePrefix} is unset and there is no template.yaml to take the " +
                                                       $"{StatePrefixParameter} parameter's default from; set {SettingNames.StatePrefix}.");
            Environment.SetEnvironmentVariable(SettingNames.StatePrefix, prefix);
        }
        return prefix;
    }

    /// <summary>Runs the export from <paramref name="event"/> to its summary, which it returns; rethrows the failure after the abort.</summary>
    public async Task<byte[]> RunAsync(byte[] @event, string statePrefix, double sliceSeconds)
    {
        var eventNode = JsonNode.Parse(@event) ?? throw new InvalidDataException("The event is JSON null, not an object.");
        // A Step Functions execution name (the function checks its shape), unique per run: the state's key derives from it.
        var execution = string.Create(CultureInfo.InvariantCulture, $"local-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        var startedAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        status.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"execution {execution}: a cut every {sliceSeconds} s ({SettingNames.SliceSeconds}), state kept under {statePrefix} ({SettingNames.StatePrefix})"));

        // The Begin state: {"event": the execution's input, "execution": its name, "startedAt": its start}.
        var payload = JsonSerializer.SerializeToUtf8Bytes(SlicedExportPayload.First(eventNode, execution, startedAt));
        _wall.Start();
        for (var invocation = 1; ; invocation++)
        {
            var started = _wall.Elapsed;
            _cut = null;
            byte[] result;
            bool more;
            try
            {
                var first = invocation == 1;
                result = await invoke(payload, line => OnLogLine(line, first));
                using var document = JsonDocument.Parse(result);
                more = document.RootElement.TryGetProperty(SlicedExportPayload.Continuation, out _);
                if (!more) _cut = Progress.Of(document.RootElement);
            }
            catch (Exception e)
            {
                status.WriteLine($"invocation {invocation}: failed after {Seconds(_wall.Elapsed - started)}: {e.GetType().Name}: {e.Message}");
                await AbortAsync(e, eventNode, execution, startedAt);
                throw;
            }
            var counts = _cut is { } c ? $"{Count(c.Records, "record")}, {Count(c.Parts, "part")}" : "records and parts not reported";
            status.WriteLine($"invocation {invocation}: {counts}, {Seconds(_wall.Elapsed - started)} ({Seconds(_wall.Elapsed)} in all), {(more ? "cut" : "done")}");
            if (!more) return result;
            payload = result;
        }
    }

    /// <summary>
    /// The Abort state: {"abort": {"Error", "Cause"} as Step Functions reports a Lambda function error (Error the .NET
    /// runtime's errorType, the exception type's name; Cause the error document as JSON text), "event", "execution", "startedAt"}.
    /// </summary>
    private async Task AbortAsync(Exception failure, JsonNode eventNode, string execution, string startedAt)
    {
        var cause = new JsonObject { ["errorType"] = failure.GetType().Name, ["errorMessage"] = failure.Message };
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            SlicedExportPayload.AbortOf(failure.GetType().Name, cause.ToJsonString(), eventNode, execution, startedAt));
        try
        {
            var result = await invoke(payload, display.OnLogLine);
            using var document = JsonDocument.Parse(result);
            var root = document.RootElement;
            status.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"aborted: {root.GetProperty("uploadsAborted").GetInt32()} multipart upload(s) aborted, {root.GetProperty("stateObjectsDeleted").GetInt32()} state object(s) deleted"));
        }
        catch (Exception e)
        {
            status.WriteLine($"the abort failed too: {e.GetType().Name}: {e.Message}");
            status.WriteLine(afterFailedAbort);
        }
    }

    /// <summary>Takes the counts from the function's "export cut" line; shows every other line except those the invocation line replaces.</summary>
    private void OnLogLine(string line, bool firstInvocation)
    {
        switch (MessageOf(line))
        {
            case "export cut":
                using (var document = JsonDocument.Parse(line)) _cut = Progress.Of(document.RootElement);
                return;
            case "export resumed":
            case "export started" when !firstInvocation:
                return;
            default:
                display.OnLogLine(line);
                return;
        }
    }

    private static string? MessageOf(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Count(long n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n:N0} {noun}{(n == 1 ? "" : "s")}");

    private static string Seconds(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");

    /// <summary>Records and parts so far, from an "export cut" line or the summary (which name them alike).</summary>
    private sealed record Progress(long Records, int Parts)
    {
        public static Progress? Of(JsonElement fields) =>
            fields.TryGetProperty("records", out var records) && records.TryGetInt64(out var r)
            && fields.TryGetProperty("parts", out var parts) && parts.TryGetInt32(out var p)
                ? new Progress(r, p)
                : null;
    }
}
