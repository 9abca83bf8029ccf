using S3ZipExport.Csv;

namespace S3ZipExport.Settings;

/// <summary>The EXPORT_CSV_* settings: what the CSV file looks like.</summary>
internal static partial class SettingsReader
{
    private static CsvFormat ReadCsvFormat(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation,
        IReadOnlyList<ColumnSpec> columns, List<string> errors)
    {
        string? Raw(string name) => invocation.Overrides.TryGetValue(name, out var o) ? o : environment.GetValueOrDefault(name);
        string? Get(string name) => Raw(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var encodingText = Get(SettingNames.CsvEncoding);
        var encoding = encodingText?.ToLowerInvariant() switch
        {
            null or "utf-8" => CsvEncoding.Utf8,
            "utf-8-bom" => CsvEncoding.Utf8Bom,
            "shift_jis" => CsvEncoding.ShiftJis,
            _ => (CsvEncoding?)null,
        };
        if (encoding is null)
            errors.Add($"{SettingNames.CsvEncoding}: '{encodingText}' must be one of utf-8, utf-8-bom (for Excel), shift_jis (Windows code page 932, for Excel in Japan)");

        if (encoding == CsvEncoding.ShiftJis)
            foreach (var column in columns)
                if (ShiftJisTranscoder.FindUnencodable(column.Header) is { } codePoint)
                    errors.Add($"{SettingNames.Columns}: header '{column.Header}' has U+{codePoint:X4}, which Shift_JIS (CP932) cannot encode " +
                               $"({SettingNames.CsvEncoding}=shift_jis); rename the column with 'Header=json.path'");

        var newlineText = Get(SettingNames.CsvNewline);
        var newline = newlineText?.ToLowerInvariant() switch
        {
            null or "crlf" => CsvNewline.CrLf,
            "lf" => CsvNewline.Lf,
            _ => (CsvNewline?)null,
        };
        if (newline is null) errors.Add($"{SettingNames.CsvNewline}: '{newlineText}' must be crlf or lf");

        return new CsvFormat
        {
            Encoding = encoding ?? CsvEncoding.Utf8,
            StrictEncoding = ParseBool(SettingNames.CsvStrictEncoding, Get(SettingNames.CsvStrictEncoding), false, errors),
            Delimiter = ParseDelimiter(Raw(SettingNames.CsvDelimiter), errors),
            Newline = newline ?? CsvNewline.CrLf,
            Header = ParseBool(SettingNames.CsvHeader, Get(SettingNames.CsvHeader), true, errors),
            FormulaGuard = ParseBool(SettingNames.CsvFormulaGuard, Get(SettingNames.CsvFormulaGuard), false, errors),
        };
    }

    /// <summary>Read untrimmed: a literal tab or space is a delimiter, not blank space around one.</summary>
    private static byte ParseDelimiter(string? text, List<string> errors)
    {
        if (string.IsNullOrEmpty(text)) return (byte)',';
        if (text.Length != 1) text = text.Trim();
        if (text is @"\t" || text.Equals("tab", StringComparison.OrdinalIgnoreCase)) return (byte)'\t';
        if (text.Length == 1 && char.IsAscii(text[0]) && text[0] is not ('"' or '\r' or '\n')) return (byte)text[0];
        errors.Add($"{SettingNames.CsvDelimiter}: '{text}' must be one ASCII character other than '\"', CR and LF, or 'tab' (or \\t) for tab-separated values");
        return (byte)',';
    }
}
