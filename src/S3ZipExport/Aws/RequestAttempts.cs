using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace S3ZipExport.Aws;

/// <summary>
/// Counts the HTTP attempts the SDK really makes for each request, first try and retries, so a failure can say
/// "after 6 attempts" for a 500 the SDK retried and "not retried" for a 403 it did not. Nothing the SDK returns or
/// throws tells (AmazonServiceException has no count; RequestContext.Retries is internal to the pipeline), so a
/// handler sits just inside the SDK's RetryHandler, where it runs once per attempt, and counts per request object.
/// </summary>
internal static class RequestAttempts
{
    private static readonly ConditionalWeakTable<AmazonWebServiceRequest, StrongBox<int>> Counts = new();

    /// <summary>Attempts made so far for <paramref name="request"/> (0 when it never reached the network).</summary>
    public static int Of(AmazonWebServiceRequest request) =>
        Counts.TryGetValue(request, out var count) ? Volatile.Read(ref count.Value) : 0;

    /// <summary>Adds the counting handler to a client's pipeline (from its CustomizeRuntimePipeline).</summary>
    public static void CountIn(RuntimePipeline pipeline) => pipeline.AddHandlerAfter<RetryHandler>(new Counter());

    private sealed class Counter : PipelineHandler
    {
        public override void InvokeSync(IExecutionContext executionContext)
        {
            Count(executionContext);
            base.InvokeSync(executionContext);
        }

        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            Count(executionContext);
            return base.InvokeAsync<T>(executionContext);
        }

        private static void Count(IExecutionContext context) =>
            Interlocked.Increment(ref Counts.GetValue(context.RequestContext.OriginalRequest, _ => new StrongBox<int>()).Value);
    }
}
