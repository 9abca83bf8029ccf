using System.Globalization;

namespace S3ZipExport.Settings;

/// <summary>
/// How a column's JSON value is rewritten before it is written, given after <c>|</c> in EXPORT_COLUMNS.
/// The argument after <c>:</c> is taken exactly as written (spaces included) up to the next unescaped comma.
/// </summary>
internal abstract record ColumnFormatter
{
    /// <summary>
    /// <c>datetime:yyyy/MM/dd HH:mm</c>: an ISO-8601 date-time string written with a .NET custom format, in the
    /// clock time of its own offset (2026-12-01T19:00:00+09:00 → 2026/12/01 19:00; no conversion to UTC or to the
    /// machine's zone). Null, a missing value and "" stay empty; anything else that is not an ISO-8601 date-time
    /// fails the export, naming the record and the column.
    /// </summary>
    public sealed record DateTimeFormat(string Format) : ColumnFormatter;

    /// <summary>
    /// <c>join:;</c>: an array of strings, numbers or booleans written as its items joined by the separator (null
    /// items are empty). A single string or number is written as it is; an array holding an object or an array, or
    /// an object, fails the export naming the record and the column. A comma separator is written <c>join:\,</c>.
    /// </summary>
    public sealed record Join(string Separator) : ColumnFormatter;

    /// <summary>Parses the text after <c>|</c>; null and a problem (to follow "column 'X' ") when it is not valid.</summary>
    public static ColumnFormatter? Parse(string text, out string? problem)
    {
        var colon = text.IndexOf(':');
        var name = (colon < 0 ? text : text[..colon]).Trim();
        var argument = colon < 0 ? "" : text[(colon + 1)..];
        problem = null;
        switch (name)
        {
            case "datetime":
                if (argument.Length == 0)
                    problem = "needs a format after 'datetime:', e.g. 'datetime:yyyy/MM/dd HH:mm'";
                else
                {
                    try
                    {
                        _ = DateTimeOffset.UnixEpoch.ToString(argument, CultureInfo.InvariantCulture);
                        return new DateTimeFormat(argument);
                    }
                    catch (FormatException) { problem = $"has 'datetime:{argument}', which is not a valid .NET date format"; }
                }
                return null;
            case "join":
                if (argument.Length == 0) problem = @"needs a separator after 'join:', e.g. 'join:;' or 'join:\,' for a comma";
                else return new Join(argument);
                return null;
            default:
                problem = $"has unknown formatter '{name}'; use 'datetime:FORMAT' or 'join:SEPARATOR'";
                return null;
        }
    }
}
