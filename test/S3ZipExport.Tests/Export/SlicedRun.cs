using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using S3ZipExport.Aws;
using S3ZipExport.Contract;
using S3ZipExport.Export;
using S3ZipExport.Settings;
using S3ZipExport.Source;

namespace S3ZipExport.Tests.Export;

/// <summary>
/// Drives the real handler as the state machine does (statemachine/export.asl.json): the event wrapped with an
/// execution name and start time, then each result that carries a continuation handed back as the next payload,
/// until a result is the summary. Records every payload and result.
/// <para>With <see cref="PartBytes"/>, each invocation runs what the handler runs for it (settings, then
/// <see cref="SlicedExport"/>) with the first part's size set in bytes, which EXPORT_PART_SIZE_MIB cannot (it takes whole
/// MiB): how a test puts a cut exactly on a part boundary.</para>
/// </summary>
internal sealed class SlicedRun(Dictionary<string, string?> environment)
{
    /// <summary>The function's environment for the invocations to come (a test may change it between them, as a deployment would).</summary>
    public Dictionary<string, string?> Environment { get; set; } = environment;

    public string Execution { get; } = "exec-" + Guid.NewGuid().ToString("N")[..12];
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow.AddSeconds(-1);
    public List<JsonElement> Results { get; } = [];

    public int Invocations => Results.Count;

    /// <summary>The first part's size in bytes, in place of the setting's; null invokes the handler itself.</summary>
    public long? PartBytes { get; init; }

    /// <summary>The first payload: the event, as the state machine's first state builds it.</summary>
    public string FirstPayload(string scheduledEvent = ExportRun.ScheduledEvent) =>
        SlicedExportPayload.First(JsonNode.Parse(scheduledEvent)!, Execution, StartedAt.ToString("O")).ToJsonString();

    /// <summary>Invokes once with <paramref name="payload"/>; returns the result (a continuation, or the summary).</summary>
    public async Task<JsonElement> InvokeAsync(string payload)
    {
        var result = PartBytes is { } partBytes ? await InvokeWithPartBytesAsync(payload, partBytes) : await ExportRun.InvokeAsync(Environment, payload);
        Results.Add(result);
        return result;
    }

    /// <summary>Function.HandleAsync's way through an invocation of several, with the plan's part size replaced.</summary>
    private async Task<JsonElement> InvokeWithPartBytesAsync(string payload, long partBytes)
    {
        var invocation = InvocationEvent.Parse(Encoding.UTF8.GetBytes(payload), TimeProvider.System);
        var plan = SettingsReader.Read(Environment, invocation);
        plan = plan with { Upload = plan.Upload with { PartBytes = partBytes } };
        var slice = plan.Run.Slice ?? throw new InvalidOperationException("Not an invocation of several.");
        using var s3 = AwsClients.S3(plan.Aws);
        var source = await HttpSource.CreateAsync(plan.Source, plan.Aws, CancellationToken.None, asStored: plan.Source.Paging is null);
        var outcome = await SlicedExport.RunAsync(plan, s3, source, CancellationToken.None);
        await using var answer = outcome.Summary is { } summary
            ? new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(summary, ExportSummaryJson.Readable.ExportSummary))
            : SliceAnswers.Continuation(slice, outcome);
        using var document = await JsonDocument.ParseAsync(answer);
        return document.RootElement.Clone();
    }

    /// <summary>Runs from <paramref name="payload"/> (the first, by default) until the summary; returns it.</summary>
    public async Task<JsonElement> RunToEndAsync(string? payload = null, int maxInvocations = 200)
    {
        payload ??= FirstPayload();
        for (var i = 0; i < maxInvocations; i++)
        {
            var result = await InvokeAsync(payload);
            if (!result.TryGetProperty("continuation", out _)) return result;
            payload = result.GetRawText();
        }
        throw new InvalidOperationException($"No summary after {maxInvocations} invocations.");
    }

    /// <summary>The payload that aborts this export for <paramref name="error"/>, as the state machine's Abort state builds it.</summary>
    public string AbortPayload(string error = "SourceException", string scheduledEvent = ExportRun.ScheduledEvent) =>
        SlicedExportPayload.AbortOf(error, "a test", JsonNode.Parse(scheduledEvent)!, Execution, StartedAt.ToString("O")).ToJsonString();
}
