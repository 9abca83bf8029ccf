using System.Text;
using System.Text.Json;
using S3ZipExport.Records;

namespace S3ZipExport.Tests.Records;

/// <summary>
/// The extractor's scanner (<see cref="RecordFieldExtractor.TryScan"/>) against its reference, the Utf8JsonReader pass
/// (<see cref="RecordFieldExtractor.TryRead"/>), on random records and on every prefix of each: what the scanner reads,
/// the reader reads to the same end with the same fields; where it needs more bytes, so does the reader; and it
/// leaves to the reader only records with an escaped property name, deeper nesting, invalid JSON or invalid UTF-8
/// in an exported string.
/// </summary>
public class RecordScanTests
{
    private const string Columns = "id,t,Group=g.x,g,a.b.c,tags|join:;,n,skip.n,description,日本,Day=x|datetime:yyyy-MM-dd";

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void Scanner_reads_what_the_reader_reads_on_every_prefix_of_random_records(int seed, bool escapedNames)
    {
        var random = new RandomJson(seed) { EscapedNames = escapedNames };
        var scanned = 0;
        for (var n = 0; n < 300; n++)
        {
            var text = random.Next(8) == 0
                ? $"{{\"g\":{{\"deep\":{RandomJson.Nested(60 + random.Next(10))},\"x\":{random.Value(1)}}},\"id\":{random.Value(1)}}}"
                : random.Object(depth: 3);
            var record = Encoding.UTF8.GetBytes(text + random.Space() + ",");
            foreach (var json in new[] { record, random.Edit(record) })
                foreach (var length in Prefixes(json.Length, random))
                    scanned += AssertAgrees(json[..length]) ? 1 : 0;
        }
        Assert.True(scanned > 1000, $"only {scanned} records were read by the scanner");
    }

    [Fact]
    public void Invalid_UTF8_in_an_exported_string_is_left_to_the_reader_and_elsewhere_passes_as_before()
    {
        byte[] exported = [.. "{\"t\":\"a"u8, 0xFF, .. "\"},"u8];
        byte[] skipped = [.. "{\"other\":\"a"u8, 0xFF, .. "\",\"t\":\"ok\"},"u8];
        Assert.Equal(JsonSyntax.Invalid, new RecordFieldExtractor(TestColumns()).TryScan(exported, 0));
        Assert.Equal(skipped.Length - 1, new RecordFieldExtractor(TestColumns()).TryScan(skipped, 0));
        AssertAgrees(exported);
        AssertAgrees(skipped);
    }

    /// <summary>Every prefix's length of a short record; of a long one, 200 of them and the whole.</summary>
    private static IEnumerable<int> Prefixes(int length, RandomJson random) =>
        length <= 200 ? Enumerable.Range(1, length) : Enumerable.Range(0, 200).Select(_ => 1 + random.Next(length)).Append(length);

    /// <summary>True when the scanner read the record (or needs more, agreeing with the reader).</summary>
    private static bool AssertAgrees(byte[] json)
    {
        if (json[0] != '{') return false;
        var columns = TestColumns();
        var fast = new RecordFieldExtractor(columns);
        var end = fast.TryScan(json, 0);
        var slow = new RecordFieldExtractor(columns);
        var reference = Reference(slow, json);
        var show = $"{Encoding.UTF8.GetString(json)} ({Convert.ToHexString(json)})";
        switch (end)
        {
            case JsonSyntax.NeedMore:
                Assert.True(reference.Outcome == "need more", $"the scanner needs more, the reader says {reference.Outcome}: {show}");
                return true;
            case JsonSyntax.Invalid:
                if (reference.Outcome == "read")
                    Assert.True(HasEscapedNameOrDepth(json[..reference.End]), $"the scanner left a plain record to the reader: {show}");
                return false;
            default:
                Assert.True(reference.Outcome == "read" && reference.End == end, $"the scanner read to {end}, the reader says {reference.Outcome} at {reference.End}: {show}");
                Assert.Equal(reference.Fields, Fields(fast, json[..end]));
                return true;
        }
    }

    private static (string Outcome, int End, string[] Fields) Reference(RecordFieldExtractor extractor, byte[] json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = RecordReader.MaxDepth }));
        try
        {
            if (!reader.Read() || !extractor.TryRead(ref reader, json, 0, 0, 0)) return ("need more", 0, []);
            var end = (int)reader.BytesConsumed;
            return ("read", end, Fields(extractor, json[..end]));
        }
        catch (JsonException e) { return ($"invalid: {e.Message}", 0, []); }
        catch (BadInputException e) { return ($"failed: {e.Message}", 0, []); }
    }

    /// <summary>Each column's kind and text after the formatters, or the formatter's failure: what the CSV writer gets.</summary>
    private static string[] Fields(RecordFieldExtractor extractor, byte[] record)
    {
        try
        {
            var fields = extractor.Complete(record, 0, 0);
            var text = new string[fields.Count];
            for (var i = 0; i < text.Length; i++) text[i] = $"{fields.KindOf(i)}:{Convert.ToHexString(fields[i])}";
            return text;
        }
        catch (BadRecordException e) { return [e.Message]; }
    }

    private static bool HasEscapedNameOrDepth(byte[] record)
    {
        var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = RecordReader.MaxDepth });
        while (reader.Read())
            if ((reader.TokenType == JsonTokenType.PropertyName && reader.ValueIsEscaped) || reader.CurrentDepth >= JsonValueSkipper.MaxDepth) return true;
        return false;
    }

    private static IReadOnlyList<ColumnSpec> TestColumns()
    {
        var errors = new List<string>();
        var specs = S3ZipExport.Settings.ColumnListParser.Parse(Columns, errors);
        Assert.Empty(errors);
        return specs;
    }
}
