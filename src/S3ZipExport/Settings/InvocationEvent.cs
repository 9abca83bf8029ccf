using System.Text.Json;
using S3ZipExport.Contract;

namespace S3ZipExport.Settings;

/// <summary>
/// What the function was invoked with: an EventBridge (Scheduler) event, whose <c>time</c> and <c>id</c> name the
/// run, or a manual payload whose properties override settings by their environment variable names; either of them
/// wrapped, when the state machine drives an export of several invocations, in its payload (<see cref="Slice"/>).
/// </summary>
internal sealed record InvocationEvent(DateTimeOffset Time, string Id, IReadOnlyDictionary<string, string> Overrides)
{
    /// <summary>The state machine's part of the payload; null for a direct invocation.</summary>
    public SliceRequest? Slice { get; init; }

    // Lambda caps a synchronous payload at 6 MB; an event is small, so anything bigger is a mistake.
    private const int MaxEventBytes = 6 * 1024 * 1024;

    public static async Task<InvocationEvent> ReadAsync(Stream input, TimeProvider clock, CancellationToken ct)
    {
        using var buffer = new MemoryStream(capacity: 4096);   // bounded by MaxEventBytes below
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await input.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxEventBytes) throw new SettingsException($"The invocation payload is larger than {MaxEventBytes} bytes.");
        }
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), clock);
    }

    public static InvocationEvent Parse(ReadOnlyMemory<byte> json, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (json.Span.Trim(" \t\r\n"u8).IsEmpty) return new InvocationEvent(now, NewId(now), new Dictionary<string, string>());

        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new SettingsException($"The invocation payload is not JSON: {e.Message}"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null) return new InvocationEvent(now, NewId(now), new Dictionary<string, string>());
            if (root.ValueKind != JsonValueKind.Object)
                throw new SettingsException($"The invocation payload must be a JSON object (an EventBridge event or setting overrides), not {root.ValueKind}.");
            if (root.TryGetProperty(SlicedExportPayload.Event, out var wrapped))
                return SlicePayload.Parse(root, wrapped, clock);

            var time = root.TryGetProperty("time", out var t) ? ParseTime(t) : now;
            var id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String && i.GetString() is { Length: > 0 } s ? s : NewId(time);

            // An EventBridge event carries many fields of its own (source, account, detail, ...): only time and id matter.
            if (root.TryGetProperty("detail-type", out _))
                return new InvocationEvent(time, id, new Dictionary<string, string>());

            var overrides = new Dictionary<string, string>();
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is "time" or "id") continue;
                if (!SettingNames.IsKnown(property.Name))
                    throw new SettingsException($"The invocation payload sets '{property.Name}', which is not a setting. Known: {string.Join(", ", SettingNames.ExportSettings.Except(SettingNames.EnvironmentOnly))}.");
                if (SettingNames.EnvironmentOnly.Contains(property.Name))
                    throw new SettingsException($"The invocation payload sets '{property.Name}', which only the function's environment may set: it belongs to whoever deployed the function (where requests go and where the object is written, which secret is read and where it is sent, how long the function may run), not to whoever invokes it.");
                overrides[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => throw new SettingsException($"The invocation payload sets '{property.Name}' to {property.Value.ValueKind}; give a string."),
                };
            }
            return new InvocationEvent(time, id, overrides);
        }
    }

    private static DateTimeOffset ParseTime(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
            return time.ToUniversalTime();
        throw new SettingsException($"The invocation payload's 'time' must be an ISO-8601 date-time such as 2026-11-25T03:00:00Z, got {value.GetRawText()}.");
    }

    private static string NewId(DateTimeOffset time) => $"manual-{time.UtcDateTime:yyyyMMddTHHmmssZ}-{Guid.NewGuid().ToString("N")[..8]}";
}
