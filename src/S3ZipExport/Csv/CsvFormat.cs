namespace S3ZipExport.Csv;

/// <summary>The byte encoding of the CSV file.</summary>
internal enum CsvEncoding
{
    /// <summary>UTF-8 without a byte order mark: what Athena, warehouses and most tools expect.</summary>
    Utf8,
    /// <summary>UTF-8 starting with EF BB BF: Excel reads the file as UTF-8 only when the mark is there.</summary>
    Utf8Bom,
    /// <summary>Windows code page 932 (Shift_JIS as Windows extends it): what Excel in Japan opens without an import wizard.</summary>
    ShiftJis,
}

internal enum CsvNewline { CrLf, Lf }

/// <summary>
/// What the CSV file looks like. The default is RFC 4180: comma, CRLF, a header row, UTF-8 without a BOM.
/// </summary>
internal sealed record CsvFormat
{
    public static CsvFormat Default { get; } = new();

    public CsvEncoding Encoding { get; init; } = CsvEncoding.Utf8;

    /// <summary>
    /// With <see cref="CsvEncoding.ShiftJis"/>: fail on the first character CP932 cannot encode (naming the record
    /// and the column) instead of writing <c>?</c> and counting it.
    /// </summary>
    public bool StrictEncoding { get; init; }

    /// <summary>
    /// One ASCII byte other than <c>"</c>, CR and LF. With Shift_JIS, a delimiter from <c>@</c> to <c>~</c> can also
    /// be the second byte of a double-byte character: readers that decode CP932 first (Excel) are not affected,
    /// readers that split bytes are; comma, semicolon and tab are never such a byte.
    /// </summary>
    public byte Delimiter { get; init; } = (byte)',';

    public CsvNewline Newline { get; init; } = CsvNewline.CrLf;

    /// <summary>Whether each file starts with a row of column headers.</summary>
    public bool Header { get; init; } = true;

    /// <summary>
    /// Spreadsheet formula injection guard (OWASP "CSV injection"): a text field starting with <c>=</c>, <c>+</c>,
    /// <c>-</c>, <c>@</c>, tab or CR gets a leading <c>'</c>, so Excel shows it as text instead of running it.
    /// This changes the data (a loader sees the <c>'</c>), so it is off by default and meant for files people open
    /// in a spreadsheet. Only text is guarded: JSON strings and the output of column formatters. Numbers and
    /// booleans from JSON number/literal tokens (<c>-5</c>) are written as they are, and headers are never guarded.
    /// </summary>
    public bool FormulaGuard { get; init; }
}
