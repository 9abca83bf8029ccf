using S3ZipExport.Contract;
using S3ZipExport.Csv;
using S3ZipExport.Records;

namespace S3ZipExport.Settings;

/// <summary>The EXPORT_CSV_* settings: what the CSV file looks like.</summary>
internal sealed partial class SettingsReader
{
    private static readonly Dictionary<string, CsvEncoding> Encodings = new()
    {
        ["utf-8"] = CsvEncoding.Utf8,
        ["utf-8-bom"] = CsvEncoding.Utf8Bom,
        ["shift_jis"] = CsvEncoding.ShiftJis,
    };

    private static readonly Dictionary<string, CsvNewline> Newlines = new() { ["crlf"] = CsvNewline.CrLf, ["lf"] = CsvNewline.Lf };

    /// <summary>The setting's value for an encoding, as EXPORT_CSV_ENCODING takes it (for the start line).</summary>
    public static string ValueOf(CsvEncoding encoding) => Encodings.First(p => p.Value == encoding).Key;

    /// <summary>The setting's value for a newline, as EXPORT_CSV_NEWLINE takes it.</summary>
    public static string ValueOf(CsvNewline newline) => Newlines.First(p => p.Value == newline).Key;

    private CsvFormat ReadCsvFormat(IReadOnlyList<ColumnSpec> columns)
    {
        var defaults = CsvFormat.Default;
        var encoding = Choice(SettingNames.CsvEncoding, defaults.Encoding, Encodings,
            "one of utf-8, utf-8-bom (for Excel), shift_jis (Windows code page 932, for Excel in Japan)");
        if (encoding == CsvEncoding.ShiftJis)
            foreach (var column in columns)
                if (ShiftJisTranscoder.FindUnencodable(column.Header) is { } codePoint)
                    _errors.Add($"{SettingNames.Columns}: header '{column.Header}' has U+{codePoint:X4}, which Shift_JIS (CP932) cannot encode " +
                                $"({SettingNames.CsvEncoding}=shift_jis); rename the column with 'Header=json.path'");
        return new CsvFormat
        {
            Encoding = encoding,
            StrictEncoding = Bool(SettingNames.CsvStrictEncoding, defaults.StrictEncoding),
            Delimiter = Delimiter(_values.Raw(SettingNames.CsvDelimiter), defaults.Delimiter),
            Newline = Choice(SettingNames.CsvNewline, defaults.Newline, Newlines, "crlf or lf"),
            Header = Bool(SettingNames.CsvHeader, defaults.Header),
            FormulaGuard = Bool(SettingNames.CsvFormulaGuard, defaults.FormulaGuard),
        };
    }

    /// <summary>Read untrimmed: a literal tab or space is a delimiter, not blank space around one.</summary>
    private byte Delimiter(string? text, byte fallback)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (text.Length != 1) text = text.Trim();
        if (text is @"\t" || text.Equals("tab", StringComparison.OrdinalIgnoreCase)) return (byte)'\t';
        if (text.Length == 1 && char.IsAscii(text[0]) && text[0] is not ('"' or '\r' or '\n')) return (byte)text[0];
        _errors.Add($"{SettingNames.CsvDelimiter}: '{text}' must be one ASCII character other than '\"', CR and LF, or 'tab' (or \\t) for tab-separated values");
        return fallback;
    }
}
