using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using S3ZipExport.LocalInvoke;
using S3ZipExport.LocalServices;

// Runs the function once on this machine:
//   dotnet run --project tools/S3ZipExport.LocalInvoke -- [event.json] [--size-mb N]
// With neither EXPORT_SOURCE_URL nor EXPORT_BUCKET set, it starts s3rver and a demo Connpass source of N MB
// (default 300), exports to them and checks the ZIP it reads back; otherwise it uses the environment as it is.
// The summary JSON goes to stdout; progress and logs go to stderr. Exit 0 on success, 1 on failure, 2 on bad usage.

string? eventPath = null;
var sizeMB = 300.0;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--size-mb" when i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var mb) && mb > 0:
            sizeMB = mb;
            i++;
            break;
        case "-h" or "--help":
            Console.Error.WriteLine("usage: S3ZipExport.LocalInvoke [event.json] [--size-mb N]");
            return 0;
        case var path when eventPath is null && !path.StartsWith('-'):
            eventPath = path;
            break;
        default:
            Console.Error.WriteLine($"usage: S3ZipExport.LocalInvoke [event.json] [--size-mb N]   (unexpected '{args[i]}')");
            return 2;
    }
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
void KillS3rver() => services?.S3.DisposeAsync().AsTask().GetAwaiter().GetResult();
try
{
    var payload = eventPath is null ? ScheduledEvent.Now() : await File.ReadAllBytesAsync(eventPath);
    if (EmbeddedServices.AreWanted())
    {
        services = await EmbeddedServices.StartAsync(sizeMB, CancellationToken.None);
        Console.Error.WriteLine($"local services: {services.S3}; source {services.SourceUrl}");
    }
    else
    {
        Console.Error.WriteLine("using EXPORT_* and AWS_* from the environment");
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

    if (services is not null)
    {
        using var doc = JsonDocument.Parse(summary);
        var s = doc.RootElement;
        var expected = new ArchiveCheck.Expected(s.GetProperty("bucket").GetString()!, s.GetProperty("key").GetString()!,
            s.GetProperty("records").GetInt64(), s.GetProperty("csvBytes").GetInt64());
        Console.Error.WriteLine(await ArchiveCheck.RunAsync(services.S3.Endpoint, expected, CancellationToken.None));
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

static string? TryFindRepositoryRoot()
{
    try { return RepositoryRoot.Find(); }
    catch (DirectoryNotFoundException) { return null; }
}
