namespace S3ZipExport.Records;

/// <summary>How a column's JSON value is rewritten before it is written, given after <c>|</c> in EXPORT_COLUMNS.</summary>
internal abstract record ColumnFormatter
{
    /// <summary>
    /// <c>datetime:yyyy/MM/dd HH:mm</c>: an ISO-8601 date-time string written with a .NET custom format, in the
    /// clock time of its own offset (2026-12-01T19:00:00+09:00 → 2026/12/01 19:00; no conversion to UTC or to the
    /// machine's zone). Null, a missing value and "" stay empty; anything else that is not an ISO-8601 date-time
    /// is a bad record, named with its column.
    /// </summary>
    public sealed record DateTimeFormat(string Format) : ColumnFormatter;

    /// <summary>
    /// <c>join:;</c>: an array of strings, numbers or booleans written as its items joined by the separator (null
    /// items are empty). A single string or number is written as it is; an array holding an object or an array, or
    /// an object, is a bad record, named with its column. A comma separator is written <c>join:\,</c>.
    /// </summary>
    public sealed record Join(string Separator) : ColumnFormatter;
}
