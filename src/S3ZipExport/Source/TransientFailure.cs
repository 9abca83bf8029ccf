using System.Net;
using Polly.Timeout;

namespace S3ZipExport.Source;

/// <summary>Which source failures are worth another try: the network, timeouts, and statuses that say "later".</summary>
internal static class TransientFailure
{
    public static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;

    public static bool IsTransient(Exception e) => e switch
    {
        // TLS, proxy auth and protocol-version failures repeat identically on every try.
        HttpRequestException h => h.HttpRequestError is not (HttpRequestError.SecureConnectionError
            or HttpRequestError.UserAuthenticationError or HttpRequestError.ConfigurationLimitExceeded
            or HttpRequestError.VersionNegotiationError),
        TimeoutRejectedException or TimeoutException or IOException => true,
        _ => false,
    };
}
