using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace S3ZipExport.Tests.Fixtures;

// The multipart rules S3 enforces and s3rver 3.7.1 does not, with S3's error codes and messages
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html, "Special errors").
public sealed partial class S3RecordingProxy
{
    /// <summary>S3's minimum size of every part but the last: 5 MiB.</summary>
    public const long MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>S3's largest part number.</summary>
    public const int MaximumPartNumber = 10_000;

    private const string S3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private Task NoSuchUploadAsync(HttpContext context, RecordedRequest recorded) =>
        S3ErrorResponse.WriteAsync(context, StatusCodes.Status404NotFound, "NoSuchUpload",
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            ("UploadId", recorded.UploadId ?? ""));

    private async Task UploadPartAsync(HttpContext context, RecordedRequest recorded)
    {
        // s3rver would store a part for any upload id, creating its folder; S3 refuses unknown and aborted uploads.
        if (Uploads.Find(recorded.Bucket!, recorded.UploadId!, recorded.Key) is null)
        {
            await NoSuchUploadAsync(context, recorded);
            return;
        }
        if (recorded.PartNumber is not (>= 1 and <= MaximumPartNumber))
        {
            await S3ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "InvalidArgument",
                $"Part number must be an integer between 1 and {MaximumPartNumber}, inclusive",
                ("ArgumentName", "partNumber"), ("ArgumentValue", context.Request.Query["partNumber"].ToString()));
            return;
        }
        await ForwardAsync(context, replacementBody: null);
    }

    private async Task CompleteMultipartUploadAsync(HttpContext context, RecordedRequest recorded)
    {
        var upload = Uploads.Find(recorded.Bucket!, recorded.UploadId!, recorded.Key);
        if (upload is null)
        {
            await NoSuchUploadAsync(context, recorded);
            return;
        }

        // The part list is a few hundred KiB at most (10,000 parts); it has to be read whole to be checked.
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        List<(int Number, string ETag)> parts;
        try
        {
            parts = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body)).Root!.Elements()
                .Where(e => e.Name.LocalName == "Part")
                .Select(p => (
                    int.Parse(p.Elements().Single(e => e.Name.LocalName == "PartNumber").Value, CultureInfo.InvariantCulture),
                    p.Elements().Single(e => e.Name.LocalName == "ETag").Value))
                .ToList();
        }
        catch (Exception e) when (e is XmlException or FormatException or OverflowException or InvalidOperationException)
        {
            parts = [];
        }
        if (parts.Count == 0)
        {
            await S3ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema.");
            return;
        }

        for (var i = 1; i < parts.Count; i++)
        {
            if (parts[i].Number <= parts[i - 1].Number)
            {
                await S3ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "InvalidPartOrder",
                    "The list of parts was not in ascending order. The parts list must be specified in order by part number. " +
                    $"Part {parts[i].Number} follows part {parts[i - 1].Number}.");
                return;
            }
        }

        var sizes = new long[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            var (number, etag) = parts[i];
            var stored = upload.Part(number);
            // S3 compares ETags without their quotes (s3rver's own controller strips them the same way).
            if (stored is null || !string.Equals(stored.Value.ETag, etag.Replace("\"", ""), StringComparison.OrdinalIgnoreCase))
            {
                await S3ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "InvalidPart",
                    "One or more of the specified parts could not be found. The part might not have been uploaded, " +
                    "or the specified entity tag might not have matched the part's entity tag. " +
                    (stored is null ? $"Part {number} was not uploaded." : $"Part {number} has ETag \"{stored.Value.ETag}\", not {etag}."),
                    ("UploadId", upload.UploadId), ("PartNumber", number), ("ETag", etag));
                return;
            }
            sizes[i] = stored.Value.Size;
        }

        for (var i = 0; i < parts.Count - 1; i++)
        {
            if (sizes[i] < MinimumPartSize)
            {
                await S3ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed object size. " +
                    $"Part {parts[i].Number} has {sizes[i]} bytes; every part but the last needs at least {MinimumPartSize}.",
                    ("ProposedSize", sizes[i]), ("MinSizeAllowed", MinimumPartSize),
                    ("PartNumber", parts[i].Number), ("ETag", parts[i].ETag));
                return;
            }
        }

        await ForwardAsync(context, replacementBody: body);
    }

    private async Task AbortMultipartUploadAsync(HttpContext context, RecordedRequest recorded)
    {
        var upload = Uploads.Find(recorded.Bucket!, recorded.UploadId!, recorded.Key);
        if (upload is null)
        {
            await NoSuchUploadAsync(context, recorded);
            return;
        }
        Uploads.Delete(upload);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task ListMultipartUploadsAsync(HttpContext context, RecordedRequest recorded)
    {
        var bucket = recorded.Bucket!;
        if (!Uploads.BucketExists(bucket))
        {
            await S3ErrorResponse.WriteAsync(context, StatusCodes.Status404NotFound, "NoSuchBucket",
                "The specified bucket does not exist", ("BucketName", bucket));
            return;
        }

        // Every upload in one page: tests leave a handful behind, never the 1,000 that would need paging.
        var prefix = context.Request.Query["prefix"].ToString();
        XNamespace ns = S3Namespace;
        var result = new XElement(ns + "ListMultipartUploadsResult",
            new XElement(ns + "Bucket", bucket),
            new XElement(ns + "KeyMarker", ""),
            new XElement(ns + "UploadIdMarker", ""),
            new XElement(ns + "NextKeyMarker", ""),
            new XElement(ns + "NextUploadIdMarker", ""),
            new XElement(ns + "Prefix", prefix),
            new XElement(ns + "MaxUploads", 1000),
            new XElement(ns + "IsTruncated", "false"),
            Uploads.List(bucket).Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(u =>
                new XElement(ns + "Upload",
                    new XElement(ns + "Key", u.Key),
                    new XElement(ns + "UploadId", u.UploadId),
                    new XElement(ns + "Initiator", new XElement(ns + "ID", "S3RVER"), new XElement(ns + "DisplayName", "S3rver")),
                    new XElement(ns + "Owner", new XElement(ns + "ID", "S3RVER"), new XElement(ns + "DisplayName", "S3rver")),
                    new XElement(ns + "StorageClass", "STANDARD"),
                    new XElement(ns + "Initiated", u.Initiated.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)))));

        var bytes = System.Text.Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + result.ToString(SaveOptions.DisableFormatting));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/xml";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
