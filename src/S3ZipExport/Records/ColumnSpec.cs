namespace S3ZipExport.Records;

/// <summary>
/// One CSV column: its header, the property names leading to the JSON value inside a record, and an optional
/// formatter. Parsed from EXPORT_COLUMNS by the settings reader.
/// </summary>
internal sealed record ColumnSpec(string Header, IReadOnlyList<string> Path, ColumnFormatter? Formatter = null);
