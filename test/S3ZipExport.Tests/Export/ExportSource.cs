using System.Text;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Export;

/// <summary>Test sources of a known shape: records whose CSV is large enough to need several parts.</summary>
internal static class ExportSource
{
    /// <summary>Serves <paramref name="count"/> records of ~1 KB of poorly compressible text (with level "none" the ZIP is as large as the CSV).</summary>
    public static void MapManyRecords(SourceServer source, string path, int count) =>
        source.MapStream(path, async (body, ct) =>
        {
            await body.WriteAsync("""{"events":["""u8.ToArray(), ct);
            for (var i = 0; i < count; i++)
                await body.WriteAsync(Encoding.UTF8.GetBytes((i > 0 ? "," : "") + Record(i)), ct);
            await body.WriteAsync("]}"u8.ToArray(), ct);
        });

    /// <summary>The body <see cref="MapManyRecords"/> serves, whole: for sources that need it up front (Range).</summary>
    public static byte[] ManyRecordsDocument(int count) =>
        Encoding.UTF8.GetBytes("""{"events":[""" + string.Join(',', Enumerable.Range(0, count).Select(Record)) + "]}");

    /// <summary>The same records as JSON Lines.</summary>
    public static byte[] ManyRecordsLines(int count) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, count).Select(i => Record(i) + "\n")));

    /// <summary>Records <paramref name="first"/> on of the same records as a page of offset paging (connpass's shape), with the total.</summary>
    public static byte[] ManyRecordsPage(int first, int count, int total) =>
        Encoding.UTF8.GetBytes($$"""{"results_available":{{total}},"events":[""" + string.Join(',', Enumerable.Range(first, count).Select(Record)) + "]}");

    private static string Record(int i) =>
        $$"""{"id":{{i}},"title":"イベント {{i}} \"{{i * 7919 % 10007}}\"","started_at":"2026-12-01T19:00:00+09:00","catch":"{{new string((char)('a' + i % 26), 1000)}}"}""";

    /// <summary>Settings that turn <see cref="MapManyRecords"/> into an archive of about count KB in 5 MiB parts.</summary>
    public static readonly (string, string)[] ManyPartsSettings =
    [
        ("EXPORT_COLUMNS", "id,title,started_at,catch"), ("EXPORT_PART_SIZE_MIB", "5"),
        ("EXPORT_UPLOAD_CONCURRENCY", "2"), ("EXPORT_COMPRESSION_LEVEL", "none"),
    ];
}
