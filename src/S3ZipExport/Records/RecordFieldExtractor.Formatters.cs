using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using S3ZipExport.Contract;

namespace S3ZipExport.Records;

/// <summary>
/// Column formatters (<see cref="ColumnFormatter"/>): each rewrites a column's extracted value into the scratch
/// buffer, so a formatted row allocates nothing either (a date-time is parsed from a stack buffer and formatted
/// straight to UTF-8).
/// </summary>
internal sealed partial class RecordFieldExtractor
{
    // ISO-8601 / RFC 3339 as APIs write it: 'K' takes Z, +09:00, +0900 or no offset; F digits and their dot are optional.
    private static readonly string[] IsoDateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd",
    ];
    private const int MaxDateTimeChars = 64;

    private readonly string[] _headers;
    private readonly ColumnFormatter?[]? _formatters;   // null when no column has one: the common path pays nothing
    private readonly byte[]?[]? _separators;           // a join column's separator in UTF-8

    private void ApplyFormatters(ReadOnlySpan<byte> record, long index, long byteOffset)
    {
        for (var i = 0; i < _formatters!.Length; i++)
        {
            switch (_formatters[i])
            {
                case ColumnFormatter.DateTimeFormat f:
                    Values[i] = FormatDateTime(Values[i], f.Format, record, index, byteOffset, i);
                    break;
                case ColumnFormatter.Join j:
                    Values[i] = Join(Values[i], _separators![i]!, index, byteOffset, i);
                    break;
            }
        }
    }

    private FieldValue FormatDateTime(FieldValue value, string format, ReadOnlySpan<byte> record, long index, long byteOffset, int column)
    {
        if (value.Kind is FieldKind.Missing or FieldKind.Null || (value.Kind == FieldKind.Text && value.Length == 0)) return value;
        var bytes = (value.InScratch ? Scratch : record).Slice(value.Start, value.Length);
        Span<char> chars = stackalloc char[MaxDateTimeChars];
        if (value.Kind != FieldKind.Text
            || Utf8.ToUtf16(bytes, chars, out _, out var length) != System.Buffers.OperationStatus.Done
            || !DateTimeOffset.TryParseExact(chars[..length], IsoDateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            throw FormatterFailure(index, byteOffset, column, $"datetime:{format}",
                $"{Describe(value, bytes)} is not an ISO-8601 date-time such as 2026-12-01T19:00:00+09:00");

        // DateTimeOffset formats in its own offset's clock time: +09:00 stays 19:00, as the source meant it.
        for (var size = 64; ; size *= 2)
        {
            if (time.TryFormat(Reserve(size), out var written, format, CultureInfo.InvariantCulture))
            {
                var formatted = new FieldValue(FieldKind.Text, _scratchUsed, written, true);
                _scratchUsed += written;
                return formatted;
            }
        }
    }

    private FieldValue Join(FieldValue value, byte[] separator, long index, long byteOffset, int column)
    {
        // Missing and null stay empty; a lone string or number is a list of one.
        if (value.Kind != FieldKind.Json) return value;
        var json = Scratch.Slice(value.Start, value.Length);   // compact JSON, always in scratch
        if (json[0] == '{')
            throw FormatterFailure(index, byteOffset, column, "join", "the value is an object, not an array");

        // Each item is at most its JSON text long (unescaping only shortens) and there is at most one separator
        // per comma, so this bound holds; reserving first means the scratch buffer does not move while we read it.
        var bound = json.Length + json.Count((byte)',') * separator.Length;
        var target = Reserve(bound);
        json = Scratch.Slice(value.Start, value.Length);
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var written = 0;
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!first)
            {
                separator.CopyTo(target[written..]);
                written += separator.Length;
            }
            first = false;
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    try { written += reader.CopyString(target[written..]); }
                    catch (InvalidOperationException) { written += JsonStringUnescaper.Unescape(reader.ValueSpan, target[written..]); }
                    break;
                case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                    reader.ValueSpan.CopyTo(target[written..]);
                    written += reader.ValueSpan.Length;
                    break;
                case JsonTokenType.Null:
                    break;
                default:
                    throw FormatterFailure(index, byteOffset, column, "join",
                        $"the array holds {(reader.TokenType == JsonTokenType.StartObject ? "an object" : "an array")}; join takes strings, numbers and booleans");
            }
        }
        if (!Utf8.IsValid(target[..written]))
            throw FormatterFailure(index, byteOffset, column, "join", "the array holds a string that is not valid UTF-8");
        var joined = new FieldValue(FieldKind.Text, _scratchUsed, written, true);
        _scratchUsed += written;
        return joined;
    }

    private static byte[]?[] SeparatorsOf(IReadOnlyList<ColumnSpec> columns) =>
        columns.Select(c => c.Formatter is ColumnFormatter.Join j ? Encoding.UTF8.GetBytes(j.Separator) : null).ToArray();

    private BadRecordException FormatterFailure(long index, long byteOffset, int column, string formatter, string what) =>
        new($"Record {index + 1} (at byte offset {byteOffset}), column '{_headers[column]}' ({SettingNames.Columns} '|{formatter}'): {what}.", index);

    private static string Describe(FieldValue value, ReadOnlySpan<byte> bytes) => value.Kind switch
    {
        FieldKind.Text => $"'{Preview(bytes)}'",
        FieldKind.Literal => $"the JSON value {Preview(bytes)}",
        _ => $"the JSON {(bytes.Length > 0 && bytes[0] == '[' ? "array" : "object")} {Preview(bytes)}",
    };

    private static string Preview(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 80)]);
        return bytes.Length > 80 ? text + "…" : text;
    }
}
