using System.Text.Json;
using S3ZipExport.Records;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// The arrays of objects in a JSON document that EXPORT_RECORDS_PATH could name (an array holding some other values
/// too counts, those being bad records to the export): reached from the document through
/// objects alone (the path has no array index), the document itself included. For --discover when the records path
/// is unset and its default is not in the document. It reads token by token from the export's <see cref="ReadWindow"/>,
/// holding no value whole, and stops as soon as one array has <c>enough</c> objects: that array is the one to use, and
/// the rest of a large document need not be read.
/// </summary>
internal static class RecordArrays
{
    /// <summary>
    /// An array holding objects, and <paramref name="Others"/> values that are not (bad records to the export);
    /// <paramref name="Complete"/> is false when reading stopped inside it, so it has at least that many.
    /// </summary>
    public sealed record Candidate(IReadOnlyList<string> Path, long Objects, long Others, bool Complete, int Order);

    private sealed class Container(bool isArray, IReadOnlyList<string>? path, int order)
    {
        public bool IsArray { get; } = isArray;
        /// <summary>Null once an array lies on the way: EXPORT_RECORDS_PATH cannot name it.</summary>
        public IReadOnlyList<string>? Path { get; } = path;
        public int Order { get; } = order;
        public long Objects { get; set; }
        public long Others { get; set; }
        public bool IsCandidate => IsArray && Path is not null && Objects > 0;
        public Candidate ToCandidate(bool complete) => new(Path!, Objects, Others, complete, Order);
    }

    private sealed class Scan(int enough)
    {
        public readonly List<Container> Open = [];
        public readonly List<Candidate> Found = [];
        public string? Name;
        public int Containers;
        public bool Done;

        public void Step(ref Utf8JsonReader reader)
        {
            while (!Done && reader.Read())
            {
                var token = reader.TokenType;
                var parent = Open.Count > 0 ? Open[^1] : null;
                switch (token)
                {
                    case JsonTokenType.PropertyName:
                        Name = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        var closed = Open[^1];
                        Open.RemoveAt(Open.Count - 1);
                        if (closed.IsCandidate) Found.Add(closed.ToCandidate(complete: true));
                        continue;
                }
                if (parent is { IsArray: true })
                {
                    if (token == JsonTokenType.StartObject) parent.Objects++;
                    else parent.Others++;
                    if (parent.IsCandidate && parent.Objects >= enough) Done = true;
                }
                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    IReadOnlyList<string>? path = parent is null ? [] : parent is { IsArray: false, Path: { } p } ? [.. p, Name!] : null;
                    Open.Add(new Container(token == JsonTokenType.StartArray, path, Containers++));
                }
            }
        }

        /// <summary>Arrays still open when reading stopped: their objects so far.</summary>
        public IEnumerable<Candidate> Unfinished() =>
            Open.Where(c => c.IsCandidate).Select(c => c.ToCandidate(complete: false));
    }

    /// <summary>The candidates in document order. A document that turns out not to be JSON ends the search where it stops.</summary>
    public static async Task<IReadOnlyList<Candidate>> FindAsync(Stream body, int enough, CancellationToken ct)
    {
        var window = new ReadWindow(body);
        var scan = new Scan(enough);
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = RecordReader.MaxDepth });
        var first = true;
        try
        {
            while (!scan.Done && await window.FillAsync(ct))
            {
                if (first && window.Unconsumed.StartsWith("\uFEFF"u8)) window.Consume(3);
                first = false;
                var reader = new Utf8JsonReader(window.Unconsumed, window.IsFinal, state);
                scan.Step(ref reader);
                window.Consume((int)reader.BytesConsumed);
                state = reader.CurrentState;
                if (window.IsFinal) break;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // What was found before the document went wrong still helps; the export's own error was already shown.
        }
        return [.. scan.Found.Concat(scan.Unfinished()).OrderBy(c => c.Order)];
    }

    /// <summary>The candidate to use: the one with the most objects, the first of those.</summary>
    public static Candidate? Best(IReadOnlyList<Candidate> candidates) =>
        candidates.OrderByDescending(c => c.Objects).ThenBy(c => c.Order).FirstOrDefault();
}
