using System.IO.Compression;
using System.IO.Hashing;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3ZipExport.Upload;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// Downloads the exported object to /dev/shm and reads it as a user would, with ZipArchive: checks the object's
/// checksum (CRC-64/NVME or CRC-32, as the summary names it) and size against the summary, the entry's CRC-32 and length against its inflated bytes, and hands
/// those bytes, 1 MiB at a time, to a consumer (the deflate floor).
/// </summary>
internal static class ObjectReadBack
{
    public const int BlockBytes = 1 << 20;

    public sealed record Result(long ZipBytes, long CsvBytes, string Problems)
    {
        public bool Ok => Problems.Length == 0;
    }

    /// <summary>A client for s3rver at <paramref name="endpoint"/>.</summary>
    public static AmazonS3Client Client(Uri endpoint) =>
        new(new BasicAWSCredentials(ExportBenchmark.AccessKey, ExportBenchmark.AccessKey),
            new AmazonS3Config { ServiceURL = endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = ExportBenchmark.Region });

    public static async Task<Result> RunAsync(Uri endpoint, string bucket, string key, long expectedZipBytes, long expectedCsvBytes,
        string? checksumAlgorithm, string? expectedChecksum, Action<ReadOnlySpan<byte>> consume, CancellationToken ct)
    {
        using var s3 = Client(endpoint);
        var path = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"s3zipexport-bench-{Guid.NewGuid():N}.zip");
        var problems = new List<string>();
        try
        {
            NonCryptographicHashAlgorithm objectCrc = checksumAlgorithm == "CRC32" ? new Crc32() : new Crc64(Crc64ParameterSet.Nvme);
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            using (var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct))
            {
                var buffer = new byte[BlockBytes];
                int n;
                while ((n = await response.ResponseStream.ReadAsync(buffer, ct)) > 0)
                {
                    objectCrc.Append(buffer.AsSpan(0, n));
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                }
            }
            var zipBytes = new FileInfo(path).Length;
            if (zipBytes != expectedZipBytes) problems.Add($"object is {zipBytes} bytes, the summary says {expectedZipBytes}");
            var algorithm = checksumAlgorithm == "CRC32" ? FullObjectChecksum.Crc32 : FullObjectChecksum.Crc64Nvme;
            var actual = algorithm.ToS3(objectCrc is Crc32 crc32 ? crc32.GetCurrentHashAsUInt32() : ((Crc64)objectCrc).GetCurrentHashAsUInt64());
            if (expectedChecksum is not null && actual != expectedChecksum)
                problems.Add($"object {checksumAlgorithm} is {actual}, the summary says {expectedChecksum}");

            using var zip = ZipFile.OpenRead(path);
            if (zip.Entries.Count != 1) problems.Add($"{zip.Entries.Count} entries, expected 1");
            var entry = zip.Entries[0];
            var crc = new Crc32();
            long csvBytes = 0;
            using (var content = entry.Open())
            {
                var block = new byte[BlockBytes];
                int read;
                while ((read = content.ReadAtLeast(block, block.Length, throwOnEndOfStream: false)) > 0)
                {
                    crc.Append(block.AsSpan(0, read));
                    csvBytes += read;
                    consume(block.AsSpan(0, read));
                }
            }
            if (crc.GetCurrentHashAsUInt32() != entry.Crc32) problems.Add($"entry CRC-32 is {crc.GetCurrentHashAsUInt32():x8}, the ZIP says {entry.Crc32:x8}");
            if (csvBytes != entry.Length) problems.Add($"entry inflates to {csvBytes} bytes, the ZIP says {entry.Length}");
            if (csvBytes != expectedCsvBytes) problems.Add($"entry inflates to {csvBytes} bytes, the summary says {expectedCsvBytes}");
            return new Result(zipBytes, csvBytes, string.Join("; ", problems));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
