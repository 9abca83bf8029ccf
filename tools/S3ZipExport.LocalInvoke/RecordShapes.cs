using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using S3ZipExport.Records;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// The --discover sink: every property path of the records it is handed, with the JSON types found there, in how many
/// records it is present and null, its longest value, and a first example.
/// <para>How it gets whole records: the export's reader hands a sink each record's selected column values
/// (<see cref="RecordFields"/>), but the values are slices of the record's own bytes, which <see cref="RecordFields.Json"/>
/// exposes. So discovery runs the export's reader unchanged, with no columns (its extractor then skips every property),
/// and walks each record's JSON here. Nothing is added to the export's path, and where the records are (records path,
/// JSON Lines, pages) is still found by the reader alone. The alternatives were worse: a "discovery mode" inside the
/// reader puts a branch into its loop, and a column meaning "the whole record" costs the export a compacted copy of
/// every record only to have it parsed again here.</para>
/// Paths go through objects only: EXPORT_COLUMNS cannot reach inside an array, so an array is one path (an array of
/// strings, numbers or booleans can be joined with <c>|join</c>), and what its items hold is summarized, not walked.
/// </summary>
internal sealed class RecordShapes : IRecordSink
{
    [Flags]
    public enum JsonKinds { None = 0, String = 1, Number = 2, Boolean = 4, Object = 8, Array = 16, Null = 32 }

    private static readonly JsonReaderOptions Options = new() { MaxDepth = RecordReader.MaxDepth };
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public sealed class PathShape(IReadOnlyList<string> path)
    {
        private readonly Dictionary<string, PathShape> _byName = new(StringComparer.Ordinal);

        public IReadOnlyList<string> Path { get; } = path;
        public List<PathShape> Children { get; } = [];
        public long Present { get; set; }
        public long Nulls { get; set; }
        public JsonKinds Kinds { get; set; }
        /// <summary>For arrays: what their items were.</summary>
        public JsonKinds ItemKinds { get; set; }
        /// <summary>Characters of the longest string, number or boolean; -1 when there was none.</summary>
        public int LongestText { get; set; } = -1;
        /// <summary>Items of the longest array; -1 when there was none.</summary>
        public int MostItems { get; set; } = -1;
        /// <summary>The first value that is not null (a string: not empty, if there is one).</summary>
        public string? Example { get; set; }
        // The record this path was last counted in: a name repeated in one record counts once.
        internal long PresentIn { get; set; } = -1;
        internal long NullIn { get; set; } = -1;

        /// <summary>An array of strings, numbers and booleans only (and never an object): what <c>|join</c> takes.</summary>
        public bool Joinable => (Kinds & JsonKinds.Array) != 0 && (Kinds & JsonKinds.Object) == 0
                                && ItemKinds != JsonKinds.None && (ItemKinds & (JsonKinds.Object | JsonKinds.Array)) == 0;

        public PathShape Child(string name)
        {
            if (_byName.TryGetValue(name, out var child)) return child;
            child = new PathShape([.. Path, name]);
            _byName.Add(name, child);
            Children.Add(child);
            return child;
        }

        /// <summary>This path and every path below it, parents first, in the order they were first seen.</summary>
        public IEnumerable<PathShape> All() => Children.SelectMany(c => c.All().Prepend(c));
    }

    public PathShape Root { get; } = new([]);

    /// <summary>Records walked so far.</summary>
    public long Records { get; private set; }

    public void OnRecord(in RecordFields record)
    {
        var json = record.Json;
        var reader = new Utf8JsonReader(json, Options);
        reader.Read();   // the reader hands on objects only: this is their StartObject
        VisitObject(ref reader, Root, json);
        Records++;
    }

    public ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;

    private void VisitObject(ref Utf8JsonReader reader, PathShape parent, ReadOnlySpan<byte> json)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var shape = parent.Child(Text(ref reader));
            reader.Read();
            Observe(ref reader, shape, json);
        }
    }

    private void Observe(ref Utf8JsonReader reader, PathShape shape, ReadOnlySpan<byte> json)
    {
        if (shape.PresentIn != Records)
        {
            shape.PresentIn = Records;
            shape.Present++;
        }
        var start = (int)reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                shape.Kinds |= JsonKinds.Null;
                if (shape.NullIn != Records)
                {
                    shape.NullIn = Records;
                    shape.Nulls++;
                }
                return;
            case JsonTokenType.String:
                Scalar(shape, JsonKinds.String, Text(ref reader));
                return;
            case JsonTokenType.Number:
                Scalar(shape, JsonKinds.Number, Encoding.UTF8.GetString(reader.ValueSpan));
                return;
            case JsonTokenType.True or JsonTokenType.False:
                Scalar(shape, JsonKinds.Boolean, Encoding.UTF8.GetString(reader.ValueSpan));
                return;
            case JsonTokenType.StartObject:
                shape.Kinds |= JsonKinds.Object;
                VisitObject(ref reader, shape, json);
                break;
            default:
                shape.Kinds |= JsonKinds.Array;
                var items = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items++;
                    shape.ItemKinds |= KindOf(reader.TokenType);
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                }
                shape.MostItems = Math.Max(shape.MostItems, items);
                break;
        }
        if (string.IsNullOrEmpty(shape.Example)) shape.Example = Compact(json[start..(int)reader.BytesConsumed]);
    }

    private static void Scalar(PathShape shape, JsonKinds kind, string text)
    {
        shape.Kinds |= kind;
        shape.LongestText = Math.Max(shape.LongestText, text.EnumerateRunes().Count());
        if (string.IsNullOrEmpty(shape.Example)) shape.Example = text;
    }

    private static JsonKinds KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.String => JsonKinds.String,
        JsonTokenType.Number => JsonKinds.Number,
        JsonTokenType.True or JsonTokenType.False => JsonKinds.Boolean,
        JsonTokenType.StartObject => JsonKinds.Object,
        JsonTokenType.StartArray => JsonKinds.Array,
        _ => JsonKinds.Null,
    };

    /// <summary>
    /// A string or property name as text. A lone surrogate escape becomes U+FFFD, as the export writes it; bytes that
    /// are not UTF-8 (the export fails on them, in a column it writes) are shown as U+FFFD too.
    /// </summary>
    private static string Text(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            var raw = reader.ValueSpan;
            var unescaped = new byte[raw.Length];
            return Encoding.UTF8.GetString(unescaped, 0, JsonStringUnescaper.Unescape(raw, unescaped));
        }
    }

    /// <summary>An object or array as one line of JSON, text unescaped so it reads as the example of a string does.</summary>
    private static string Compact(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = RecordReader.MaxDepth })!.ToJsonString(Readable);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return Encoding.UTF8.GetString(json);
        }
    }
}
