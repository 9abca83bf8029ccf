using System.IO.Pipelines;
using System.Text;
using S3ZipExport.Contract;
using S3ZipExport.Csv;
using S3ZipExport.Settings;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// <c>--preview [--rows N]</c>: the first N rows of the CSV as the export writes them, by the export's own
/// <see cref="CsvRowWriter"/> (columns, formatters, encoding, delimiter, newline, header, formula guard), from records
/// read as the export reads them (bad records fail or are skipped and logged as EXPORT_ON_BAD_RECORD says). The bytes
/// are then read back as CSV and shown as an aligned table. Uploads nothing.
/// </summary>
internal static class CsvPreview
{
    public const int DefaultRows = 20;
    private const int MaxCells = 30;

    public static async Task RunAsync(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation, int rows, TextWriter output, CancellationToken ct)
    {
        var (plan, source) = await FirstRecords.PrepareAsync(environment, invocation, ct);

        // Never pauses the writer: the preview holds its few rows whole.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var csv = new CsvRowWriter(pipe.Writer, plan.Records.Columns, plan.Csv);
        var read = await FirstRecords.ReadAsync(plan, source, csv, rows, ct);
        await pipe.Writer.CompleteAsync();
        using var written = new MemoryStream();
        await pipe.Reader.CopyToAsync(written, ct);
        var bytes = written.ToArray();

        var format = plan.Csv;
        output.WriteLine(Discovery.Summary(read, rows, "--rows"));
        output.WriteLine($"CSV: {Describe(format, csv.UnencodableCharacters)}; {bytes.Length:N0} bytes for these rows");
        output.WriteLine($"(shown decoded: values cut at {MaxCells} characters with …, control characters as ␍ ␊ ␉ and the like, quoting undone)");
        output.WriteLine();

        var text = Decode(bytes, format.Encoding);
        var table = Split(text, (char)format.Delimiter);
        var header = format.Header && table.Count > 0 ? table[0] : null;
        foreach (var line in TextTable.Render(header, header is null ? table : table.Skip(1), MaxCells))
            output.WriteLine(line);
        if (!format.Header) output.WriteLine($"(no header row: {SettingNames.CsvHeader}=false)");
    }

    private static string Describe(CsvFormat format, long unencodable)
    {
        var encoding = format.Encoding switch
        {
            CsvEncoding.Utf8Bom => "UTF-8 with a BOM (EF BB BF)",
            CsvEncoding.ShiftJis => "Shift_JIS (code page 932)" + (unencodable switch { 0 => "", 1 => ", 1 character it has no code for written as '?'", _ => $", {unencodable:N0} characters it has no code for written as '?'" }),
            _ => "UTF-8",
        };
        var delimiter = format.Delimiter == '\t' ? "tab" : $"'{(char)format.Delimiter}'";
        return $"bytes in {encoding}, delimiter {delimiter}, {(format.Newline == CsvNewline.CrLf ? "CRLF" : "LF")} line ends, " +
               $"{(format.Header ? "a header row" : "no header row")}, formula guard {(format.FormulaGuard ? "on" : "off")}";
    }

    private static string Decode(byte[] bytes, CsvEncoding encoding) => encoding switch
    {
        CsvEncoding.ShiftJis => CodePagesEncodingProvider.Instance.GetEncoding(932)!.GetString(bytes),
        CsvEncoding.Utf8Bom => Encoding.UTF8.GetString(bytes.AsSpan(3)),
        _ => Encoding.UTF8.GetString(bytes),
    };

    /// <summary>
    /// The rows and fields of CSV as <see cref="CsvRowWriter"/> writes it (RFC 4180: a field with the delimiter, a
    /// quote, CR or LF is quoted, a quote in it doubled), so a line break inside a value stays in its field.
    /// </summary>
    private static List<IReadOnlyList<string>> Split(string text, char delimiter)
    {
        var rows = new List<IReadOnlyList<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') field.Append(text[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == delimiter)
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else field.Append(c);
        }
        return rows;
    }
}
