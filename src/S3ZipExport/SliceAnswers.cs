using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using S3ZipExport.Contract;
using S3ZipExport.Export;
using S3ZipExport.Telemetry;

namespace S3ZipExport;

/// <summary>The function's answers to the state machine other than the summary: a continuation, and an abort's result.</summary>
internal static class SliceAnswers
{
    private static readonly JsonWriterOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The next invocation's payload: the same event and execution, and where the state now is.</summary>
    public static MemoryStream Continuation(SliceRequest slice, SlicedExport.Outcome outcome) => Write(json =>
    {
        json.WritePropertyName(SlicedExportPayload.Event);
        json.WriteRawValue(slice.EventJson, skipInputValidation: true);
        json.WriteString(SlicedExportPayload.Execution, slice.Execution);
        json.WriteString(SlicedExportPayload.StartedAt, slice.StartedAt.ToString("O", CultureInfo.InvariantCulture));
        json.WriteStartObject(SlicedExportPayload.Continuation);
        json.WriteString(SlicedExportPayload.State, outcome.StateLocation);
        json.WriteNumber(SlicedExportPayload.Invocation, outcome.NextInvocation);
        json.WriteEndObject();
    });

    public static MemoryStream Aborted(SlicedExport.AbortResult result, string error)
    {
        JsonLog.Warning("export aborted", new Dictionary<string, object?>
        {
            ["uploadsAborted"] = result.UploadsAborted, ["stateObjectsDeleted"] = result.StateObjectsDeleted, ["for"] = error,
        });
        return Write(json =>
        {
            json.WriteBoolean(SlicedExportPayload.Aborted, true);
            json.WriteString("key", result.Key);
            json.WriteNumber("uploadsAborted", result.UploadsAborted);
            json.WriteNumber("stateObjectsDeleted", result.StateObjectsDeleted);
        });
    }

    private static MemoryStream Write(Action<Utf8JsonWriter> properties)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Readable))
        {
            json.WriteStartObject();
            properties(json);
            json.WriteEndObject();
        }
        buffer.Position = 0;
        return buffer;
    }
}
