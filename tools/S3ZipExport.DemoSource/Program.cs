using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using S3ZipExport.LocalServices;

// Serves the Connpass-shaped demo document until killed (Ctrl+C or SIGTERM):
//   dotnet run --project tools/S3ZipExport.DemoSource -- [--port N] [--file PATH] [--address 0.0.0.0]
// The first stdout line is the base URL; GET <base>events.json?size_mb=N streams about N MB, generated as it is
// sent; with --file, GET <base>events.json sends that file instead (ranges and ETag supported, next to no CPU).
// It listens on 127.0.0.1 unless --address says otherwise (0.0.0.0 for a function in a container, sam local invoke).

var port = 0;
string? file = null;
var address = IPAddress.Loopback;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--port" && i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535)
        port = p;
    else if (args[i] == "--file" && i + 1 < args.Length)
        file = args[++i];
    else if (args[i] == "--address" && i + 1 < args.Length && IPAddress.TryParse(args[i + 1], out var parsed))
    {
        address = parsed;
        i++;
    }
    else
    {
        Console.Error.WriteLine($"usage: S3ZipExport.DemoSource [--port N] [--file PATH] [--address IP]   (unexpected '{args[i]}')");
        return 2;
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

await using var server = file is null
    ? await DemoSourceServer.StartAsync(port, address, stop.Token)
    : await DemoSourceServer.ServeFileAsync(file, port, address, stop.Token);
Console.Out.WriteLine(server.Url);
Console.Out.Flush();
Console.Error.WriteLine(file is null
    ? $"serving {server.EventsUrl(300)} (size_mb sets the size); stop with Ctrl+C"
    : $"serving {file} at {new Uri(server.Url, DemoSourceServer.EventsPath.TrimStart('/'))}; stop with Ctrl+C");
try { await Task.Delay(Timeout.Infinite, stop.Token); }
catch (OperationCanceledException) { }
return 0;
