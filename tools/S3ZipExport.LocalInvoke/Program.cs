using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using S3ZipExport.LocalInvoke;
using S3ZipExport.LocalServices;
using S3ZipExport.Settings;

// Runs the function once on this machine:
//   dotnet run --project tools/S3ZipExport.LocalInvoke -- [event.json] [--size-mb N] [--discover [--records N] | --preview [--rows N]]
// With neither EXPORT_SOURCE_URL nor EXPORT_BUCKET set, it starts s3rver and a demo Connpass source of N MB
// (default 300), exports to them and checks the ZIP it reads back; otherwise it uses the environment as it is.
// The summary JSON goes to stdout; progress and logs go to stderr. Exit 0 on success, 1 on failure, 2 on bad usage.
// --discover and --preview read the first records of the source as the export would, and print what they found
// (Discovery) or the first CSV rows (CsvPreview) on stdout; they upload nothing, need no bucket, and start no s3rver.

const string Usage = "usage: S3ZipExport.LocalInvoke [event.json] [--size-mb N] [--discover [--records N] | --preview [--rows N]]";
string? eventPath = null;
var sizeMB = 300.0;
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

var display = new ProgressDisplay();
var stdout = Console.OpenStandardOutput();
EmbeddedServices? services = null;
// Ctrl+C and SIGTERM end the process without running finally blocks: the s3rver child must not outlive it.
// These handlers cannot await, so they block.
// The signal still ends the process afterwards (context.Cancel stays false).
using var onSigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => KillS3rver());
using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillS3rver());
using var onSighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => KillS3rver());
void KillS3rver() => services?.S3?.DisposeAsync().AsTask().GetAwaiter().GetResult();
try
{
    var payload = eventPath is null ? ScheduledEvent.Now() : await File.ReadAllBytesAsync(eventPath);
    if (EmbeddedServices.AreWanted())
    {
        services = await EmbeddedServices.StartAsync(sizeMB, withS3: mode == "export", CancellationToken.None);
        Console.Error.WriteLine(services.S3 is null ? $"local services: demo source {services.SourceUrl}" : $"local services: {services.S3}; source {services.SourceUrl}");
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
    var handler = HandlerEntry.FromTemplate(root is null ? null : Path.Combine(root, "template.yaml"));
    Console.Error.WriteLine($"invoking {handler} with {eventPath ?? "a scheduled event for now"}");

    var wall = Stopwatch.StartNew();
    var logLines = new LogLineWriter(display.OnLogLine);
    var originalOut = Console.Out;
    Console.SetOut(logLines);
    byte[] summary;
    try
    {
        await using var input = new MemoryStream(payload, writable: false);
        await using var output = await handler.InvokeAsync(input);
        using var copy = new MemoryStream();
        await output.CopyToAsync(copy);
        summary = copy.ToArray();
    }
    finally
    {
        Console.Out.Flush();
        Console.SetOut(originalOut);
        display.EndProgressLine();
    }
    await stdout.WriteAsync(summary);
    await stdout.WriteAsync("\n"u8.ToArray());
    await stdout.FlushAsync();
    Console.Error.WriteLine($"wall time {wall.Elapsed.TotalSeconds:0.0} s");

    if (services?.S3 is { } s3)
    {
        using var doc = JsonDocument.Parse(summary);
        var s = doc.RootElement;
        var expected = new ArchiveCheck.Expected(s.GetProperty("bucket").GetString()!, s.GetProperty("key").GetString()!,
            s.GetProperty("records").GetInt64(), s.GetProperty("csvBytes").GetInt64());
        Console.Error.WriteLine(await ArchiveCheck.RunAsync(s3.Endpoint, expected, CancellationToken.None));
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
