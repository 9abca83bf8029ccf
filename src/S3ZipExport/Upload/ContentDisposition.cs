using System.Text;

namespace S3ZipExport.Upload;

/// <summary>
/// The Content-Disposition S3 serves the object with, so a browser download keeps the key's file name. HTTP headers
/// are ASCII: a name with Japanese in it goes in <c>filename*</c> (RFC 6266 and RFC 8187 encoding), with an ASCII
/// stand-in in <c>filename</c> for old clients.
/// </summary>
internal static class ContentDisposition
{
    public static string Attachment(string fileName)
    {
        var ascii = new StringBuilder(fileName.Length);
        foreach (var c in fileName)
            ascii.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '_');
        if (ascii.ToString() == fileName) return $"attachment; filename=\"{fileName}\"";
        return $"attachment; filename=\"{ascii}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }
}
