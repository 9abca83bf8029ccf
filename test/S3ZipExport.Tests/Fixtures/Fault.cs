namespace S3ZipExport.Tests.Fixtures;

/// <summary>What <see cref="S3RecordingProxy.Inject"/> does to one request instead of (or before) forwarding it.</summary>
public sealed record Fault
{
    private Fault(FaultKind kind) => Kind = kind;

    public FaultKind Kind { get; }
    public int StatusCode { get; private init; }
    public string? ErrorCode { get; private init; }
    public TimeSpan Delay { get; private init; }
    public long AfterBodyBytes { get; private init; }

    /// <summary>Answer with an S3 XML error, e.g. (500, "InternalError") or (503, "SlowDown"); nothing is forwarded.</summary>
    public static Fault Error(int statusCode, string errorCode) =>
        new(FaultKind.Error) { StatusCode = statusCode, ErrorCode = errorCode };

    /// <summary>
    /// Read up to <paramref name="afterBodyBytes"/> of the request body, then drop the TCP connection without a
    /// response (HttpContext.Abort); nothing is forwarded. Mind that .NET's SocketsHttpHandler resends a request
    /// whose connection closed before any response byte on a new connection, up to 10 times, inside one SDK
    /// attempt (same amz-sdk-request header), whether or not body bytes were sent: a reset the SDK should see
    /// must be injected on every resend.
    /// </summary>
    public static Fault Reset(long afterBodyBytes = 0) => new(FaultKind.Reset) { AfterBodyBytes = afterBodyBytes };

    /// <summary>Wait, then forward as usual.</summary>
    public static Fault DelayBy(TimeSpan delay) => new(FaultKind.Delay) { Delay = delay };

    public static Fault DelayBy(int milliseconds) => DelayBy(TimeSpan.FromMilliseconds(milliseconds));
}

public enum FaultKind { Error, Reset, Delay }
