using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using S3ZipExport.LocalInvoke;
using S3ZipExport.LocalServices;
using S3ZipExport.Settings;

// Runs the function on this machine:
//   dotnet run --project tools/S3ZipExport.LocalInvoke -- [event.json] [--size-mb N] [--slice-seconds N]
//                                                          [--discover [--records N] | --preview [--rows N]]
// With neither EXPORT_SOURCE_URL nor EXPORT_BUCKET set, it starts s3rver and a demo Connpass source of N MB
// (default 300), exports to them and checks the ZIP it reads back; otherwise it uses the environment as it is.
// The summary JSON goes to stdout; progress and logs go to stderr. Exit 0 on success, 1 on failure, 2 on bad usage.
// --slice-seconds N runs the export as the state machine does, in as many invocations as it takes with a cut every
// N seconds (SliceLoop); a failure is aborted as the state machine aborts it.
// --discover and --preview read the first records of the source as the export would, and print what they found
// (Discovery) or the first CSV rows (CsvPreview) on stdout; they upload nothing, need no bucket, and start no s3rver.

const string Usage = "usage: S3ZipExport.LocalInvoke [event.json] [--size-mb N] [--slice-seconds N] [--discover [--records N] | --preview [--rows N]]";
string? eventPath = null;
var sizeMB = 300.0;
double? sliceSeconds = null;
var mode = "export";
int? records = null, rows = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--size-mb" when i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var mb) && mb > 0:
            sizeMB = mb;
            i++;
            break;
        case "--slice-seconds" when sliceSeconds is null && i + 1 < args.Length
                                    && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
            sliceSeconds = seconds;
            i++;
            break;
        case "--discover" or "--preview" when mode == "export":
            mode = args[i][2..];
            break;
        case "--records" when records is null && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
            records = n;
            i++;
            break;
        case "--rows" when rows is null && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
            rows = n;
            i++;
            break;
        case "-h" or "--help":
            Console.Error.WriteLine(Usage);
            return 0;
        case var path when eventPath is null && !path.StartsWith('-'):
            eventPath = path;
            break;
        default:
            Console.Error.WriteLine($"{Usage}   (unexpected '{args[i]}')");
            return 2;
    }
}
if ((records is not null && mode != "discover") || (rows is not null && mode != "preview"))
{
    Console.Error.WriteLine($"{Usage}   (--records goes with --discover, --rows with --preview)");
    return 2;
}
if (sliceSeconds is not null && mode != "export")
{
    Console.Error.WriteLine($"{Usage}   (--slice-seconds goes with an export, not with --{mode})");
    return 2;
}

var display = new ProgressDisplay();
var stdout = Console.OpenStandardOutput();
EmbeddedServices? services = null;
// Ctrl+C and SIGTERM end the process without running finally blocks: the s3rver child must not outlive it, nor the
// demo document's file (--slice-seconds) stay behind.
// These handlers cannot await, so they block.
// The signal still ends the process afterwards (context.Cancel stays false).
using var onSigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => KillS3rver());
using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillS3rver());
using var onSighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => KillS3rver());
void KillS3rver()
{
    services?.DeleteDocument();
    services?.S3?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
try
{
    var payload = eventPath is null ? ScheduledEvent.Now() : await File.ReadAllBytesAsync(eventPath);
    if (EmbeddedServices.AreWanted())
    {
        services = await EmbeddedServices.StartAsync(sizeMB, withS3: mode == "export", resumable: sliceSeconds is not null, CancellationToken.None);
        Console.Error.WriteLine(services.S3 is null ? $"local services: demo source {services.SourceUrl}" : $"local services: {services.S3}; source {services.SourceUrl}");
        if (services.DocumentPath is { } document)
            Console.Error.WriteLine($"the demo document is served from {document}, with byte ranges: a later invocation reads on where the last one cut");
    }
    else
    {
        Console.Error.WriteLine("using EXPORT_* and AWS_* from the environment");
    }
    if (mode != "export")
    {
        await LookAsync(payload);
        return 0;
    }

    var root = TryFindRepositoryRoot();
    var template = root is null ? null : Path.Combine(root, "template.yaml");
    var handler = HandlerEntry.FromTemplate(template);
    Console.Error.WriteLine($"invoking {handler} with {eventPath ?? "a scheduled event for now"}");

    var wall = Stopwatch.StartNew();
    byte[] summary;
    if (sliceSeconds is { } every)
    {
        var statePrefix = SliceLoop.Configure(every, template);
        var afterFailedAbort = services?.S3 is null
            ? "its incomplete upload and state objects stay until the bucket's lifecycle rules remove them, or you do"
            : "s3rver has neither ListMultipartUploads nor AbortMultipartUpload; its data, the upload's and the state's, is deleted when this run ends";
        summary = await new SliceLoop((input, onLogLine) => InvokeAsync(handler, input, onLogLine), display, Console.Error, afterFailedAbort)
            .RunAsync(payload, statePrefix, every);
    }
    else summary = await InvokeAsync(handler, payload, display.OnLogLine);
    await stdout.WriteAsync(summary);
    await stdout.WriteAsync("\n"u8.ToArray());
    await stdout.FlushAsync();
    Console.Error.WriteLine($"wall time {wall.Elapsed.TotalSeconds:0.0} s");

    if (services?.S3 is { } s3)
    {
        using var doc = JsonDocument.Parse(summary);
        var s = doc.RootElement;
        if (s.TryGetProperty("bucket", out var bucket))
        {
            var expected = new ArchiveCheck.Expected(bucket.GetString()!, s.GetProperty("key").GetString()!,
                s.GetProperty("records").GetInt64(), s.GetProperty("csvBytes").GetInt64());
            Console.Error.WriteLine(await ArchiveCheck.RunAsync(s3.Endpoint, expected, CancellationToken.None));
        }
    }
    return 0;
}
catch (Exception e)
{
    display.EndProgressLine();
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
finally
{
    if (services is not null) await services.DisposeAsync();
}

// One invocation of the handler with the payload; its log lines go to onLogLine as they come, its result is returned.
async Task<byte[]> InvokeAsync(HandlerEntry handler, byte[] payload, Action<string> onLogLine)
{
    var originalOut = Console.Out;
    Console.SetOut(new LogLineWriter(onLogLine));
    try
    {
        await using var input = new MemoryStream(payload, writable: false);
        await using var output = await handler.InvokeAsync(input);
        using var copy = new MemoryStream();
        await output.CopyToAsync(copy);
        return copy.ToArray();
    }
    finally
    {
        Console.Out.Flush();
        Console.SetOut(originalOut);
        display.EndProgressLine();
    }
}

// --discover or --preview: the report on stdout; the function's own log lines (a skipped record) on stderr, as in an export.
async Task LookAsync(byte[] payload)
{
    var invocation = InvocationEvent.Parse(payload, TimeProvider.System);
    var environment = new Dictionary<string, string?>();
    foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables()) environment[(string)entry.Key] = (string?)entry.Value;
    var report = Console.Out;
    Console.SetOut(new LogLineWriter(display.OnLogLine));
    try
    {
        if (mode == "discover") await Discovery.RunAsync(environment, invocation, records ?? Discovery.DefaultRecords, report, CancellationToken.None);
        else await CsvPreview.RunAsync(environment, invocation, rows ?? CsvPreview.DefaultRows, report, CancellationToken.None);
    }
    finally
    {
        Console.Out.Flush();
        Console.SetOut(report);
        display.EndProgressLine();
    }
}

static string? TryFindRepositoryRoot()
{
    try { return RepositoryRoot.Find(); }
    catch (DirectoryNotFoundException) { return null; }
}
