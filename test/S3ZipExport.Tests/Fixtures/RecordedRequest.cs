using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>One request that reached <see cref="S3RecordingProxy"/>; the response fields fill in when it ends.</summary>
public sealed class RecordedRequest
{
    public required string Method { get; init; }
    /// <summary>Decoded path, e.g. /exports/2024/file.zip.</summary>
    public required string Path { get; init; }
    /// <summary>Raw query string including the leading '?', or empty.</summary>
    public required string Query { get; init; }
    public required S3Operation Operation { get; init; }
    public string? Bucket { get; init; }
    public string? Key { get; init; }
    public int? PartNumber { get; init; }
    public string? UploadId { get; init; }
    /// <summary>The Content-Length header; for aws-chunked bodies this counts the chunk framing too.</summary>
    public long? ContentLength { get; init; }
    /// <summary>Request headers as sent (names lower-case, repeated values joined with ", ").</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    public required DateTimeOffset Start { get; init; }

    /// <summary>When the response was fully sent or the connection was abandoned; null while in flight.</summary>
    public DateTimeOffset? End { get; internal set; }
    /// <summary>Status sent to the client; null while in flight or when the connection was reset.</summary>
    public int? StatusCode { get; internal set; }
    /// <summary>Body bytes the proxy read from the client.</summary>
    public long BytesReceived { get; internal set; }
    /// <summary>The fault <see cref="S3RecordingProxy.Inject"/> chose for this request, if any.</summary>
    public Fault? Fault { get; internal set; }

    public bool Succeeded => StatusCode is >= 200 and < 300;

    public override string ToString() =>
        $"{Method} {Path}{Query} -> {StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "-"} ({Operation}, {BytesReceived} B)";

    internal static RecordedRequest From(HttpRequest request, DateTimeOffset start)
    {
        var path = request.Path.Value ?? "/";
        var segments = path.TrimStart('/').Split('/', 2);
        var bucket = segments[0].Length > 0 ? segments[0] : null;
        var key = segments.Length > 1 && segments[1].Length > 0 ? segments[1] : null;
        var query = request.Query;
        string? uploadId = query.TryGetValue("uploadId", out var id) ? id.ToString() : null;
        int? partNumber = int.TryParse(query["partNumber"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : null;

        var operation = (request.Method, bucket, key) switch
        {
            (_, null, _) => S3Operation.Other,
            ("PUT", _, null) => S3Operation.CreateBucket,
            ("GET", _, null) when query.ContainsKey("uploads") => S3Operation.ListMultipartUploads,
            ("GET", _, null) => S3Operation.ListObjects,
            (_, _, null) => S3Operation.Other,
            ("PUT", _, _) when uploadId is not null => S3Operation.UploadPart,
            ("PUT", _, _) => S3Operation.PutObject,
            ("POST", _, _) when query.ContainsKey("uploads") => S3Operation.CreateMultipartUpload,
            ("POST", _, _) when uploadId is not null => S3Operation.CompleteMultipartUpload,
            ("DELETE", _, _) when uploadId is not null => S3Operation.AbortMultipartUpload,
            ("DELETE", _, _) => S3Operation.DeleteObject,
            ("GET", _, _) => S3Operation.GetObject,
            ("HEAD", _, _) => S3Operation.HeadObject,
            _ => S3Operation.Other,
        };

        return new RecordedRequest
        {
            Method = request.Method,
            Path = path,
            Query = request.QueryString.Value ?? "",
            Operation = operation,
            Bucket = bucket,
            Key = key,
            PartNumber = partNumber,
            UploadId = uploadId,
            ContentLength = request.ContentLength,
            Headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            Start = start,
        };
    }
}
