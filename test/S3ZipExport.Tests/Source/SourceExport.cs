using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using S3ZipExport.Tests.Export;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Source;

/// <summary>What the source tests share: a real export with fast retries, sample records, and the read-back checks.</summary>
internal static class SourceExport
{
    public const int RetryBaseMs = 20;

    public static Dictionary<string, string?> Environment(LocalS3Fixture s3, Uri source, string key, params (string Name, string Value)[] extra) =>
        ExportRun.Environment(s3, source, key, [("EXPORT_SOURCE_RETRY_BASE_MS", RetryBaseMs.ToString()), .. extra]);

    /// <summary>A connpass-like document of <paramref name="count"/> events, about 150 bytes each.</summary>
    public static byte[] Events(int count)
    {
        var json = new StringBuilder("""{"results_returned":""").Append(count).Append(""","events":[""");
        for (var i = 0; i < count; i++)
            json.Append(i > 0 ? "," : "").Append($$"""{"id":{{i}},"title":"勉強会 #{{i}}","started_at":"2026-12-01T19:00:00+09:00","ended_at":"2026-12-01T21:00:00+09:00"}""");
        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }

    /// <summary>The CSV inside the exported object, which must be a ZIP with one entry.</summary>
    public static async Task<string> ReadCsvAsync(LocalS3Fixture s3, string key)
    {
        var zip = await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key);
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var reader = new StreamReader(Assert.Single(archive.Entries).Open(), Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>The failed export left no object and no incomplete multipart upload (asked of moto itself).</summary>
    public static Task AssertNothingLeftAsync(LocalS3Fixture s3, string key) => s3.AssertNothingLeftAsync(key);

    /// <summary>A handler that answers the first <paramref name="failures"/> requests with <paramref name="fail"/>, then serves <paramref name="body"/>.</summary>
    public static Func<HttpContext, Task> FailingFirst(int failures, Func<HttpContext, Task> fail, byte[] body)
    {
        var seen = 0;
        return async context =>
        {
            if (Interlocked.Increment(ref seen) <= failures)
            {
                await fail(context);
                return;
            }
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        };
    }

    public static Func<HttpContext, Task> Status(int status, string? retryAfter = null) => async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
        await context.Response.WriteAsync($"status {status}");
    };
}
