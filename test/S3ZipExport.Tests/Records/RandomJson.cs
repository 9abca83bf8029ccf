using System.Text;

namespace S3ZipExport.Tests.Records;

/// <summary>
/// Random JSON for comparing the hand-written record scanner with Utf8JsonReader: every kind of value, with the
/// escapes, multi-byte text, lone surrogates, numbers, whitespace and nesting real data has, and single-byte edits
/// that mostly make it invalid. Deterministic for a seed, so a failure can be replayed.
/// </summary>
internal sealed class RandomJson(int seed)
{
    /// <summary>Property names: the test columns' path segments and others, a few of them repeated in a record.</summary>
    public static readonly string[] Names = ["id", "t", "g", "x", "a", "b", "c", "tags", "n", "skip", "description", "日本", ""];

    private static readonly string[] StringPieces =
    [
        "plain", " ", ",", "日本語", "é", "🎉", "\\n", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\t", "\\u00e9", "\\u52C9",
        "\\ud83c\\udf89", "\\ud83c", "\\udf89", "\\u0000", "<p>", "\\\"q\\\"", "=1+2", "\u007f",
    ];

    private static readonly string[] Numbers = ["0", "-0", "7", "-12", "3.25", "-0.5", "1e5", "1E+2", "2.5e-3", "123456789012345678901234567890", "0.0e0"];

    // Bytes an edit puts in: structure, escapes, control characters and bytes that are not UTF-8.
    private static readonly byte[] EditBytes = [.. "{}[],:\"\\ \n\t0-.eEutrfnla"u8, 0x00, 0x01, 0x1F, 0x7F, 0xC3, 0xE6, 0xFF, 0x80];

    private readonly Random _random = new(seed);

    public int Next(int max) => _random.Next(max);

    /// <summary>Whether property names may be written with escapes (the scanner leaves such records to the reader).</summary>
    public bool EscapedNames { get; init; }

    /// <summary>Whitespace between tokens: none most of the time, sometimes the newlines of pretty-printed JSON.</summary>
    public bool Whitespace { get; init; } = true;

    public string Value(int depth) => _random.Next(depth <= 0 ? 5 : 8) switch
    {
        0 or 1 => String(),
        2 => Numbers[_random.Next(Numbers.Length)],
        3 => _random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" },
        4 => _random.Next(2) == 0 ? String() : Numbers[_random.Next(Numbers.Length)],
        5 or 6 => Object(depth - 1),
        _ => Array(depth - 1),
    };

    public string Object(int depth)
    {
        var count = _random.Next(6);
        var parts = Enumerable.Range(0, count).Select(_ => $"{Space()}{Name()}{Space()}:{Space()}{Value(depth)}{Space()}");
        return count == 0 ? "{" + Space() + "}" : "{" + string.Join(",", parts) + "}";
    }

    public string Array(int depth)
    {
        var count = _random.Next(5);
        var parts = Enumerable.Range(0, count).Select(_ => $"{Space()}{Value(depth)}{Space()}");
        return count == 0 ? "[" + Space() + "]" : "[" + string.Join(",", parts) + "]";
    }

    /// <summary>Nesting of the given depth, to cross the scanner's limit of 64 levels in a skipped value.</summary>
    public static string Nested(int depth) => new string('[', depth) + "1" + new string(']', depth);

    public string String()
    {
        var text = new StringBuilder("\"");
        for (var n = _random.Next(8); n > 0; n--) text.Append(StringPieces[_random.Next(StringPieces.Length)]);
        return text.Append('"').ToString();
    }

    private string Name()
    {
        var name = Names[_random.Next(Names.Length)];
        if (EscapedNames && name.Length > 0 && _random.Next(8) == 0) name = $"\\u{(int)name[0]:x4}{name[1..]}";
        return $"\"{name}\"";
    }

    public string Space()
    {
        if (!Whitespace || _random.Next(4) != 0) return "";
        return _random.Next(4) switch { 0 => " ", 1 => "\n  ", 2 => "\r\n\t", _ => "\n" };
    }

    /// <summary>One edit at a random place: a byte replaced, removed or put in, or the text cut short.</summary>
    public byte[] Edit(byte[] json)
    {
        if (json.Length == 0) return json;
        var at = _random.Next(json.Length);
        var edited = json.ToList();
        switch (_random.Next(4))
        {
            case 0: edited[at] = EditBytes[_random.Next(EditBytes.Length)]; break;
            case 1: edited.RemoveAt(at); break;
            case 2: edited.Insert(at, EditBytes[_random.Next(EditBytes.Length)]); break;
            default: return json[..at];
        }
        return [.. edited];
    }
}
