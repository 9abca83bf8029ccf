using System.Globalization;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// The demo document saved once in /dev/shm (memory, not disk: reading it back costs no I/O wait), so the source
/// sends a file instead of generating JSON on the two cores the exporter is measured on. Named by size and
/// <see cref="ConnpassDemoData.Version"/>, and reused while both match.
/// </summary>
internal static class DemoDocumentFile
{
    public static async Task<string> EnsureAsync(double sizeMB, CancellationToken ct)
    {
        var folder = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var targetBytes = (long)(sizeMB * ConnpassDemoData.BytesPerMB);
        var path = Path.Combine(folder,
            string.Create(CultureInfo.InvariantCulture, $"s3zipexport-demo-{sizeMB}mb-v{ConnpassDemoData.Version}.json"));
        // Written under another name and renamed when complete, so a file with this name is always a whole document;
        // the length check catches one truncated or replaced by hand (documents are within a few percent of the size).
        if (File.Exists(path) && Math.Abs(new FileInfo(path).Length - targetBytes) <= targetBytes / 10 + 10_000) return path;

        var partial = $"{path}.{Environment.ProcessId}.partial";
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await ConnpassDemoData.WriteAsync(file, targetBytes, ct);
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
        return path;
    }
}
