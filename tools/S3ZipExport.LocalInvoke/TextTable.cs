namespace S3ZipExport.LocalInvoke;

/// <summary>
/// Lines of an aligned table for a terminal: every cell made visible (<see cref="TerminalText.Visible"/>) and cut to
/// <c>maxCells</c> with "…", columns as wide as their widest cell, joined by " │ ", the header underlined.
/// </summary>
internal static class TextTable
{
    public const string Separator = " │ ";

    public static List<string> Render(IReadOnlyList<string>? header, IEnumerable<IReadOnlyList<string>> rows, int maxCells, IReadOnlySet<int>? rightAligned = null)
    {
        var cells = rows.Select(Cells).ToList();
        var head = header is null ? null : Cells(header);
        var columns = cells.Concat(head is null ? [] : [head]).Select(r => r.Count).DefaultIfEmpty(0).Max();
        var widths = Enumerable.Range(0, columns)
            .Select(c => cells.Concat(head is null ? [] : [head]).Select(r => c < r.Count ? TerminalText.Width(r[c]) : 0).Max())
            .ToArray();

        var lines = new List<string>();
        if (head is not null)
        {
            lines.Add(Line(head, widths, null));
            lines.Add(string.Join("─┼─", widths.Select(w => new string('─', w))));
        }
        lines.AddRange(cells.Select(r => Line(r, widths, rightAligned)));
        return lines;

        List<string> Cells(IReadOnlyList<string> row) => row.Select(v => TerminalText.Fit(TerminalText.Visible(v), maxCells)).ToList();
    }

    private static string Line(List<string> row, int[] widths, IReadOnlySet<int>? rightAligned)
    {
        // Empty cells at the end of a row end it: no separator is left dangling.
        var used = row.Count;
        while (used > 0 && row[used - 1].Length == 0) used--;
        var parts = new string[used];
        for (var c = 0; c < used; c++)
        {
            var pad = new string(' ', widths[c] - TerminalText.Width(row[c]));
            parts[c] = rightAligned?.Contains(c) == true ? pad + row[c] : row[c] + pad;
        }
        return string.Join(Separator, parts).TrimEnd(' ');
    }
}
