using System.Collections;
using System.Text.Json;
using S3ZipExport.Aws;
using S3ZipExport.Contract;
using S3ZipExport.Export;
using S3ZipExport.Runtime;
using S3ZipExport.Settings;
using S3ZipExport.Source;
using S3ZipExport.Telemetry;

namespace S3ZipExport;

/// <summary>
/// The Lambda entry point (handler <c>S3ZipExport::S3ZipExport.Function::HandleAsync</c>). Stream in, stream out:
/// the managed dotnet10 runtime passes such a handler the raw payload and returns its bytes without any
/// serializer, so the function needs no Amazon.Lambda.* package.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716",
    Justification = "The handler string S3ZipExport::S3ZipExport.Function::HandleAsync is the deployed contract (template.yaml).")]
public sealed class Function
{
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly TimeProvider _clock;
    private static int _invocations;

    static Function() => NativeHeap.ReturnLargeBlocksToTheSystem();

    /// <summary>Used by the Lambda runtime: settings come from the process environment.</summary>
    public Function() : this(ReadProcessEnvironment(), TimeProvider.System) { }

    /// <summary>Used by tests and the local invoker: settings come from the given map.</summary>
    internal Function(IReadOnlyDictionary<string, string?> environment, TimeProvider clock)
    {
        _environment = environment;
        _clock = clock;
    }

    /// <param name="input">
    /// An EventBridge (Scheduler) event, a JSON object of setting overrides, or the state machine's payload of an export
    /// of several invocations (Contract/SlicedExportPayload).
    /// </param>
    /// <returns>
    /// The export summary as JSON; or, for an export of several invocations that is not finished, the payload of the
    /// next invocation (its continuation); or, for an abort, what was aborted.
    /// </returns>
    public async Task<Stream> HandleAsync(Stream input)
    {
        var ct = CancellationToken.None;
        // Lambda runs one invocation at a time per process: the first one of a process is its cold start.
        var coldStart = Interlocked.Increment(ref _invocations) == 1;
        using var run = JsonLog.BeginRun(new Dictionary<string, object?> { ["coldStart"] = coldStart });
        try
        {
            var invocation = await InvocationEvent.ReadAsync(input, _clock, ct);
            JsonLog.AddToRun("eventId", invocation.Id);
            JsonLog.AddToRun("scheduledTime", invocation.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            if (invocation.Slice is { } slice) JsonLog.AddToRun("execution", slice.Execution);
            var plan = SettingsReader.Read(_environment, invocation);
            JsonLog.AddToRun("key", plan.Upload.Key);
            using var s3 = AwsClients.S3(plan.Aws);
            if (plan.Run.Slice is { AbortFor: { } error })
                return SliceAnswers.Aborted(await SlicedExport.AbortAsync(plan, s3, ct), error);

            JsonLog.Info("export started", StartFields(plan));
            // An export of several invocations continues a document at a byte offset: it asks for bodies as stored.
            var source = await HttpSource.CreateAsync(plan.Source, plan.Aws, ct, asStored: plan.Run.Slice is not null && plan.Source.Paging is null);
            if (plan.Run.Slice is { } sliced)
            {
                var outcome = await SlicedExport.RunAsync(plan, s3, source, ct);
                return outcome.Summary is { } done ? Finished(done) : SliceAnswers.Continuation(sliced, outcome);
            }
            return Finished(await ExportJob.RunAsync(plan, s3, source, ct));
        }
        catch (Exception e)
        {
            JsonLog.Error("export failed", new Dictionary<string, object?> { ["error"] = e.Message, ["type"] = e.GetType().Name });
            throw;
        }
    }

    private MemoryStream Finished(ExportSummary summary)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(summary, ExportSummaryJson.Readable.ExportSummary);
        JsonLog.Info("export finished", JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!
            .ToDictionary(p => p.Key, p => (object?)p.Value));
        JsonLog.Metrics(EmbeddedMetrics.For(summary, _environment.GetValueOrDefault("AWS_LAMBDA_FUNCTION_NAME") ?? "local"));
        return new MemoryStream(json, writable: false);
    }

    /// <summary>The effective settings, as the start line shows them: no secret is among them (the URL is redacted).</summary>
    private static Dictionary<string, object?> StartFields(ExportPlan plan)
    {
        const double MiB = 1024 * 1024;
        return new()
        {
            ["source"] = plan.Source.Urls.Count > 0 ? UrlRedaction.Redact(plan.Source.Urls[0]) : null,
            ["sources"] = plan.Source.Urls.Count,
            ["sourceFormat"] = plan.Source.Format.ToString().ToLowerInvariant(),
            ["recordsPath"] = string.Join(".", plan.Records.RecordsPath),
            ["paging"] = plan.Source.Paging is { } paging ? $"{paging.StartParam}={paging.StartBase}, {paging.SizeParam}={paging.Size}" : "none",
            ["bucket"] = plan.Upload.Bucket,
            ["key"] = plan.Upload.Key,
            ["columns"] = string.Join(",", plan.Records.Columns.Select(c => c.Header)),
            ["onBadRecord"] = plan.Records.OnBadRecord.ToString().ToLowerInvariant(),
            ["format"] = plan.Archive.Format.ToString().ToLowerInvariant(),
            ["entryName"] = plan.Archive.EntryName,
            ["csvEncoding"] = SettingsReader.ValueOf(plan.Csv.Encoding),
            ["csvDelimiter"] = ((char)plan.Csv.Delimiter).ToString(),
            ["csvNewline"] = SettingsReader.ValueOf(plan.Csv.Newline),
            ["csvHeader"] = plan.Csv.Header,
            ["checksum"] = SettingsReader.ValueOf(plan.Upload.Checksum),
            ["partSizeMiB"] = plan.Upload.PartBytes / MiB,
            ["uploadConcurrency"] = plan.Upload.Concurrency,
            ["compressionLevel"] = plan.Archive.Level.ToString(),
            ["compressionThreads"] = plan.Archive.Threads,
            ["parseThreads"] = plan.Records.ParseThreads,
            ["statePrefix"] = plan.Run.StatePrefix,
            ["sliceSeconds"] = plan.Run.SliceEvery?.TotalSeconds,
            // The memory model (Export/MemoryBudget): the buffers at the start, and the most they can ever hold.
            ["bufferMiB"] = Math.Round(plan.Memory.StartBytes / MiB, 1),
            ["maxBufferMiB"] = Math.Round(plan.Memory.WorstCaseBytes / MiB, 1),
            ["memoryLimitMiB"] = plan.Memory.LimitBytes is { } limit ? Math.Round(limit / MiB, 1) : null,
            ["maxRecordMiB"] = Math.Round(plan.Memory.MaxRecordBytes / MiB, 1),
            ["maxPartMiB"] = Math.Round(plan.Upload.MaxPartBytes / MiB, 1),
            ["capacityGiB"] = Math.Round(plan.Upload.Parts.Capacity / (MiB * 1024), 0),
            ["ifExists"] = plan.Upload.IfExists.ToString().ToLowerInvariant(),
            ["timeoutSeconds"] = plan.Run.Timeout?.TotalSeconds,
        };
    }

    private static Dictionary<string, string?> ReadProcessEnvironment()
    {
        var variables = new Dictionary<string, string?>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            variables[(string)entry.Key] = (string?)entry.Value;
        return variables;
    }
}
