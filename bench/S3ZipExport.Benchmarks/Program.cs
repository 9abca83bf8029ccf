using System.Runtime.InteropServices;
using S3ZipExport.Benchmarks;
using S3ZipExport.LocalServices;

// Throughput and memory of the exporter on this machine, as Lambda would run it at a memory size; asserts nothing.
//   bash scripts/bench.sh --size-mb N [--level optimal|fastest]   (publishes this project as the function is deployed, then runs it)
//       [--threads K|default] [--stage export|compress|csv|parse|checksum] [--part-mib 8] [--concurrency 4]
//       [--source file|generated] [--lambda-memory-mb 1024] [--cpu-quota on|off] [--processor-count N|default] [--results DIR]
//       [--sliced SECONDS]
//   ... -- --sweep [--size-mb 1000] [--sweep-memory 512,1024,...] [--sweep-levels optimal,fastest] [--sweep-threads 1,2,default]
//       [--sweep-processors 1,2] [--repeat 1] [--results DIR]
//   ... -- --readme
// export:   the whole function, in a child process with Lambda's GC limit for --lambda-memory-mb and (root, cgroup v1)
//           its CPU share as a quota, against the demo source (own process; by default sending a document saved once in
//           /dev/shm, --source generated makes it generate JSON as it sends) and s3rver, then the object read back,
//           verified, and its CSV through one DeflateStream (the floor). One line of figures.
// compress: export-shaped CSV from memory through ZipStreamWriter at --threads, and through the floor.
// csv:      source + JSON parse + CSV only, into nothing: the part of the export that is not compression.
// parse:    JSON from memory through the reader, + field extraction, + CSV: the exporter's own CPU per step.
// checksum: the upload's object checksum (CRC-64/NVME, CRC-32): parts hashed once and their values combined, against
//           hashing the object a second time; one thread, --size-mb of object (4000 unless given) in --part-mib parts.
// sliced:   (--sliced SECONDS) the export as above once in one run, once in invocations cut every SECONDS as the state
//           machine runs them (all in one child process: a warm Lambda environment); what each cut costs, in seconds,
//           bytes, requests and parts; both objects verified and their CSV compared.
// The stages also write their rows to bench/results/<machine>/<stage>.md (or --results DIR).
// sweep:    the stage ceilings, then exports at each memory size × level × threads × processors seen: one table, also
//           written to sweep.md there; sizes beyond this machine's cores are predicted from the stages.
// readme:   rewrites the README's result sections (<!-- results: PATH --> ... <!-- /results -->) from the files.

if (args is [ExportChild.Flag]) return await ExportChild.RunAsync(sliced: false, CancellationToken.None);
if (args is [ExportChild.Flag, ExportChild.SlicedFlag]) return await ExportChild.RunAsync(sliced: true, CancellationToken.None);

BenchOptions options;
try { options = BenchOptions.Parse(args); }
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
// kill (SIGTERM) stops as Ctrl+C does, so the children (export, source, s3rver) and the CPU group are cleaned up.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
try
{
    switch (options.Stage)
    {
        case Stage.Export:
            Console.Out.WriteLine(await ExportBenchmark.RunAsync(options, stop.Token));
            break;
        case Stage.Sweep:
            Console.Out.Write(await Sweep.RunAsync(options, args, stop.Token));
            break;
        case Stage.Readme:
            return UpdateReadme();
        default:
            var stage = options.Stage switch
            {
                Stage.Compress => await CompressBenchmark.RunAsync(options, stop.Token),
                Stage.Csv => await CsvBenchmark.RunAsync(options, stop.Token),
                Stage.Checksum => ChecksumBenchmark.Run(options, stop.Token),
                Stage.Sliced => await SlicedBenchmark.RunAsync(options, stop.Token),
                _ => await ParseBenchmark.RunAsync(options, stop.Token),
            };
            Console.Out.WriteLine(stage.Line);
            Console.Error.WriteLine($"wrote {stage.Record(options.ResultsPath)}");
            break;
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("stopped; the export, source and s3rver processes and the CPU group are gone");
    return 130;
}
Console.Error.WriteLine(MachineInfo.Describe());
return 0;

static int UpdateReadme()
{
    var root = RepositoryRoot.Find();
    var path = Path.Join(root, "README.md");
    var readme = File.ReadAllText(path);
    var updated = ReadmeResults.Update(readme, p => ReadmeResults.Read(root, p));
    if (updated != readme) File.WriteAllText(path, updated);
    Console.Error.WriteLine($"README.md: {ReadmeResults.Sections(updated).Count} result sections, {(updated == readme ? "already up to date" : "updated")}");
    var problems = ReadmeResults.Problems(updated, ReadmeResults.FilesUnder(root), p => ReadmeResults.Read(root, p));
    foreach (var problem in problems) Console.Error.WriteLine(problem);
    return problems.Count == 0 ? 0 : 1;
}
