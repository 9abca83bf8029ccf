using System.Text;
using System.Text.Json;

namespace S3ZipExport.LocalServices;

/// <summary>
/// A piece of demo text escaped for a JSON string once, up front: its escaped UTF-8 bytes, and its size as text
/// (what a description's length is measured in). Escaping Japanese text per event would make the demo source
/// slower than the exporter it feeds.
/// </summary>
internal sealed record JsonFragment(byte[] Escaped, int Utf8Bytes)
{
    public static JsonFragment Of(string text) =>
        new(JsonEncodedText.Encode(text, ConnpassDemoData.Encoder).EncodedUtf8Bytes.ToArray(), Encoding.UTF8.GetByteCount(text));

    public static JsonFragment[] All(IEnumerable<string> texts) => texts.Select(Of).ToArray();
}
