using System.Net;
using Amazon.Runtime;

namespace S3ZipExport.Aws;

/// <summary>
/// An AWS request that failed for good, said so a user can act on it: the service and operation, what it was about
/// (s3://bucket/key, an SSM parameter), the HTTP status and error code, how many attempts were really made, and,
/// where it helps, what to do (an IAM action the role lacks, a KMS key policy).
/// </summary>
public sealed class AwsRequestException : Exception
{
    private AwsRequestException(string message, Exception inner, HttpStatusCode? status, string? errorCode) : base(message, inner)
    {
        StatusCode = status;
        ErrorCode = errorCode;
    }

    public HttpStatusCode? StatusCode { get; }
    public string? ErrorCode { get; }

    /// <param name="what">The operation and its object, e.g. "S3 CompleteMultipartUpload of s3://exports/a.zip".</param>
    /// <param name="hint">What to do, or null to say nothing more.</param>
    internal static AwsRequestException Of(string what, AmazonWebServiceRequest request, Exception failure, string? hint = null)
    {
        var attempts = RequestAttempts.Of(request);
        var tries = attempts switch { 0 => "", 1 => " (1 attempt, not retried)", _ => $" after {attempts} attempts" };
        var (status, code, detail) = failure is AmazonServiceException service
            ? ((HttpStatusCode?)service.StatusCode, service.ErrorCode, $"HTTP {(int)service.StatusCode} {service.ErrorCode}: {service.Message}")
            : (null, null, failure.Message);
        return new AwsRequestException($"{what} failed{tries}: {(hint is null ? detail : $"{detail.TrimEnd('.', ' ')}. {hint}")}", failure, status, code);
    }

    /// <summary>Whether S3 or SSM refused for lack of permission (403), which retrying cannot change.</summary>
    internal static bool IsAccessDenied(Exception failure) =>
        failure is AmazonServiceException { StatusCode: HttpStatusCode.Forbidden } or AmazonServiceException { ErrorCode: "AccessDenied" or "AccessDeniedException" };

    /// <summary>Whether KMS is what refused (SSE-KMS keys, SecureString parameters under a customer key).</summary>
    internal static bool IsKms(Exception failure) =>
        failure is AmazonServiceException s && (s.ErrorCode?.StartsWith("KMS", StringComparison.OrdinalIgnoreCase) == true
                                                || s.Message.Contains("KMS", StringComparison.Ordinal));
}
