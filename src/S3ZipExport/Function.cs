namespace S3ZipExport; public sealed class Function { }
