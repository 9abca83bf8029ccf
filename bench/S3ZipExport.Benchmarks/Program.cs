using S3ZipExport.Benchmarks;

// Throughput and memory of the exporter on this machine; prints one line of figures per run, asserts nothing.
//   dotnet run -c Release --project bench/S3ZipExport.Benchmarks -- --size-mb N [--level optimal|fastest]
//       [--threads K] [--stage export|compress|csv|parse] [--part-mib 8] [--concurrency 4]
//       [--source file|generated] [--lambda-memory-mb 1024]
// export:   the whole function, in a child process with Lambda's GC limits for --lambda-memory-mb, against the demo
//           source (own process; by default sending a document saved once in /dev/shm, --source generated makes
//           it generate JSON as it sends) and s3rver, then the object read back, verified, and its CSV through one
//           DeflateStream (the floor).
// compress: export-shaped CSV from memory through ZipStreamWriter at --threads, and through the floor.
// csv:      source + JSON parse + CSV only, into nothing: the part of the export that is not compression.
// parse:    JSON from memory through the reader, + field extraction, + CSV: the exporter's own CPU per step.

if (args is [ExportChild.Flag]) return await ExportChild.RunAsync(CancellationToken.None);

BenchOptions options;
try { options = BenchOptions.Parse(args); }
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
var line = options.Stage switch
{
    Stage.Export => await ExportBenchmark.RunAsync(options, stop.Token),
    Stage.Compress => await CompressBenchmark.RunAsync(options, stop.Token),
    Stage.Csv => await CsvBenchmark.RunAsync(options, stop.Token),
    _ => await ParseBenchmark.RunAsync(options, stop.Token),
};
Console.Out.WriteLine(line);
Console.Error.WriteLine(MachineInfo.Describe());
return 0;
