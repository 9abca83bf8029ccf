using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace S3ZipExport.LocalServices;

/// <summary>
/// A deterministic JSON document shaped like the Connpass API v2 event search response
/// (<c>{"results_returned":N,"results_available":N,"results_start":1,"events":[...]}</c>), written as a stream so a
/// multi-GB document never exists whole. Each event is generated from its index alone, so two writes of the same
/// size are byte-for-byte equal. The totals come first, as in the real API, so the event count is fixed up front
/// from the requested size and the measured average event size; the document's length is close to, not exactly,
/// the request.
/// </summary>
public static class ConnpassDemoData
{
    /// <summary>Sizes are in decimal megabytes, the unit the function's progress lines use.</summary>
    public const long BytesPerMB = 1_000_000;

    // Bytes handed to the output stream at a time: large enough for few writes, small enough to stay out of the LOH.
    private const int FlushBytes = 64 * 1024;
    private const int SampleEvents = 256;

    // Connpass sends Japanese as UTF-8, not \uXXXX escapes; the exporter must handle multi-byte text.
    internal static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder };

    private static readonly Lazy<double> AverageEventBytesLazy = new(MeasureAverageEventBytes);

    /// <summary>The mean size of one event in the array, separator included, measured on the first events.</summary>
    public static double AverageEventBytes => AverageEventBytesLazy.Value;

    /// <summary>How many events a document of about <paramref name="targetBytes"/> holds (at least one).</summary>
    public static int EventCountFor(long targetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(targetBytes);
        return (int)Math.Clamp(Math.Round(targetBytes / AverageEventBytes), 1, int.MaxValue);
    }

    /// <summary>Writes a document of about <paramref name="targetBytes"/> to <paramref name="output"/>, flushing it in 64 KiB pieces.</summary>
    public static async Task WriteAsync(Stream output, long targetBytes, CancellationToken ct)
    {
        var count = EventCountFor(targetBytes);
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        await using var json = new Utf8JsonWriter(buffer, WriterOptions);
        var text = new DemoEventWriter();

        json.WriteStartObject();
        json.WriteNumber("results_returned", count);
        json.WriteNumber("results_available", count);
        json.WriteNumber("results_start", 1);
        json.WriteStartArray("events");
        for (var i = 0; i < count; i++)
        {
            text.Write(json, i);
            if (json.BytesPending + buffer.WrittenCount >= FlushBytes)
                await DrainAsync(json, buffer, output, ct);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await DrainAsync(json, buffer, output, ct);
        await output.FlushAsync(ct);
    }

    private static async Task DrainAsync(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, Stream output, CancellationToken ct)
    {
        json.Flush();
        await output.WriteAsync(buffer.WrittenMemory, ct);
        buffer.ResetWrittenCount();
    }

    private static double MeasureAverageEventBytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer, WriterOptions);
        var text = new DemoEventWriter();
        json.WriteStartArray();
        for (var i = 0; i < SampleEvents; i++) text.Write(json, i);
        json.WriteEndArray();
        json.Flush();
        return (buffer.WrittenCount - 2.0) / SampleEvents + 1;   // brackets out, one comma per event in
    }
}
