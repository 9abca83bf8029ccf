namespace S3ZipExport.Records;

internal enum FieldKind : byte
{
    /// <summary>The path is not in the record: an empty field.</summary>
    Missing,
    /// <summary>JSON null: an empty field.</summary>
    Null,
    /// <summary>UTF-8 text, unescaped.</summary>
    Text,
    /// <summary>A number or a boolean: its JSON text as written.</summary>
    Literal,
    /// <summary>An object or array: written as its compact JSON text.</summary>
    Json,
}

/// <summary>Where one column's value lies: in the record's bytes or, once unescaped, in the row's scratch buffer.</summary>
internal readonly record struct FieldValue(FieldKind Kind, int Start, int Length, bool InScratch);
