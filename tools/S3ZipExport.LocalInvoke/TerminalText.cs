using System.Globalization;
using System.Text;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// Text as a terminal shows it: control characters made visible (a line break inside a value must not break the
/// table, and a bidi override must not reorder it), widths counted in terminal cells (East Asian wide characters take
/// two, combining marks none), and long values cut to a width with "…".
/// </summary>
internal static class TerminalText
{
    public const char Ellipsis = '…';

    /// <summary>
    /// C0 controls and DEL as their Unicode control pictures (␉ ␊ ␍ ...); other invisible characters (C1 controls,
    /// format characters such as U+200B or U+202E, line and paragraph separators) as ⟨U+XXXX⟩.
    /// </summary>
    public static string Visible(string text)
    {
        StringBuilder? visible = null;
        var i = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var shown = Picture(rune);
            if (shown is not null) (visible ??= new StringBuilder(text, 0, i, text.Length + 16)).Append(shown);
            else visible?.Append(rune.ToString());
            i += rune.Utf16SequenceLength;
        }
        return visible?.ToString() ?? text;
    }

    private static string? Picture(Rune rune)
    {
        var value = rune.Value;
        if (value < 0x20) return ((char)(0x2400 + value)).ToString();
        if (value == 0x7F) return "\u2421";
        if (value is >= 0x80 and < 0xA0 || value is 0x2028 or 0x2029 || Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format)
            return $"⟨U+{value:X4}⟩";
        return null;
    }

    /// <summary>Cells the text takes in a terminal (after <see cref="Visible"/>).</summary>
    public static int Width(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes()) width += Width(rune);
        return width;
    }

    /// <summary>The text cut to at most <paramref name="cells"/> cells, ending in "…" when anything was cut.</summary>
    public static string Fit(string text, int cells)
    {
        if (Width(text) <= cells) return text;
        var fitted = new StringBuilder();
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var w = Width(rune);
            if (width + w > cells - 1) break;
            fitted.Append(rune.ToString());
            width += w;
        }
        return fitted.Append(Ellipsis).ToString();
    }

    private static int Width(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark) return 0;
        return IsWide(rune.Value) ? 2 : 1;
    }

    /// <summary>East Asian Wide and Fullwidth characters, and emoji (the ranges of Markus Kuhn's wcwidth).</summary>
    private static bool IsWide(int c) =>
        c >= 0x1100 && (c <= 0x115F || c is 0x2329 or 0x232A
            || (c is >= 0x2E80 and <= 0xA4CF && c != 0x303F) || c is >= 0xAC00 and <= 0xD7A3 || c is >= 0xF900 and <= 0xFAFF
            || c is >= 0xFE30 and <= 0xFE6F || c is >= 0xFF00 and <= 0xFF60 || c is >= 0xFFE0 and <= 0xFFE6
            || c is >= 0x1F300 and <= 0x1F64F || c is >= 0x1F900 and <= 0x1F9FF || c is >= 0x20000 and <= 0x3FFFD);
}
