using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// Writes an S3 REST error (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses):
/// the SDK reads Code into AmazonS3Exception.ErrorCode.
/// </summary>
internal static class S3ErrorResponse
{
    public static async Task WriteAsync(HttpContext context, int statusCode, string code, string message)
    {
        // Read what the client is still sending, so it sees this response rather than a broken pipe mid-upload.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);

        var error = new XElement("Error",
            new XElement("Code", code),
            new XElement("Message", message),
            new XElement("RequestId", context.TraceIdentifier));
        var body = System.Text.Encoding.UTF8.GetBytes(
            new XDocument(new XDeclaration("1.0", "UTF-8", null), error).Declaration + "\n" + error.ToString(SaveOptions.DisableFormatting));

        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/xml";
        context.Response.Headers["x-amz-request-id"] = context.TraceIdentifier;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
