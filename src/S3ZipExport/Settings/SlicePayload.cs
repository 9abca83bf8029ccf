using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using S3ZipExport.Contract;

namespace S3ZipExport.Settings;

/// <summary>
/// Reads a payload of the state machine's (<see cref="SlicedExportPayload"/>): the event inside it as any event, and
/// the execution, its start, and the continuation or the abort around it. It is untrusted input like any payload:
/// each field is checked for its shape here, and the state location against the one the export's own is (Export).
/// </summary>
internal static partial class SlicePayload
{
    // Step Functions execution names: 1 to 80 of these characters.
    [GeneratedRegex(@"^[A-Za-z0-9_\-]{1,80}$")]
    private static partial Regex ExecutionName();

    public static InvocationEvent Parse(JsonElement root, JsonElement wrapped, TimeProvider clock)
    {
        foreach (var property in root.EnumerateObject())
            if (property.Name is not (SlicedExportPayload.Event or SlicedExportPayload.Execution or SlicedExportPayload.StartedAt
                or SlicedExportPayload.Continuation or SlicedExportPayload.Abort))
                throw Refused($"has '{property.Name}', which is not part of it");
        if (wrapped.ValueKind != JsonValueKind.Object) throw Refused($"'{SlicedExportPayload.Event}' is {wrapped.ValueKind}, not an object");
        var eventJson = wrapped.GetRawText();
        var inner = InvocationEvent.Parse(Encoding.UTF8.GetBytes(eventJson), clock);

        var execution = root.TryGetProperty(SlicedExportPayload.Execution, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "";
        if (!ExecutionName().IsMatch(execution)) throw Refused($"'{SlicedExportPayload.Execution}' must be the Step Functions execution's name");
        if (!root.TryGetProperty(SlicedExportPayload.StartedAt, out var s) || s.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(s.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var startedAt))
            throw Refused($"'{SlicedExportPayload.StartedAt}' must be the execution's start time (ISO 8601)");

        var slice = new SliceRequest(execution, startedAt.ToUniversalTime(), eventJson);
        if (root.TryGetProperty(SlicedExportPayload.Abort, out var abort))
            return inner with { Slice = slice with { AbortFor = abort.GetRawText() } };
        if (!root.TryGetProperty(SlicedExportPayload.Continuation, out var continuation)) return inner with { Slice = slice };
        if (continuation.ValueKind != JsonValueKind.Object
            || !continuation.TryGetProperty(SlicedExportPayload.State, out var state) || state.ValueKind != JsonValueKind.String
            || !continuation.TryGetProperty(SlicedExportPayload.Invocation, out var number) || !number.TryGetInt32(out var invocation) || invocation < 2)
            throw Refused($"'{SlicedExportPayload.Continuation}' must be {{\"{SlicedExportPayload.State}\": \"s3://…\", \"{SlicedExportPayload.Invocation}\": 2 or more}}");
        return inner with { Slice = slice with { StateLocation = state.GetString(), Invocation = invocation } };
    }

    private static SettingsException Refused(string what) => new($"The state machine's payload {what}.");
}
