using System.IO.Compression;
using System.IO.Hashing;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3ZipExport.Contract;
using S3ZipExport.Upload;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// Downloads the exported object to /dev/shm and reads it as a user would, with ZipArchive: checks the object's
/// checksum (CRC-64/NVME or CRC-32, as the summary names it) and size against the summary, the number of entries
/// against the summary's files, each entry's CRC-32 and length against its inflated bytes, and hands those bytes,
/// 1 MiB at a time, to a consumer (the deflate floor). Each entry's CSV is also hashed (SHA-256), so two exports of
/// the same source can be compared entry by entry.
/// </summary>
internal static class ObjectReadBack
{
    public const int BlockBytes = 1 << 20;

    public sealed record Result(long ZipBytes, long CsvBytes, IReadOnlyList<EntryDigest> Entries, string Problems)
    {
        public bool Ok => Problems.Length == 0;
    }

    /// <summary>An entry's name, inflated length and the SHA-256 of its inflated bytes (hex).</summary>
    public sealed record EntryDigest(string Name, long CsvBytes, string Sha256);

    /// <summary>A client for s3rver at <paramref name="endpoint"/>.</summary>
    public static AmazonS3Client Client(Uri endpoint) =>
        new(new BasicAWSCredentials(ExportBenchmark.AccessKey, ExportBenchmark.AccessKey),
            new AmazonS3Config { ServiceURL = endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = ExportBenchmark.Region });

    public static async Task<Result> RunAsync(Uri endpoint, string bucket, string key, ExportSummary expected, Action<ReadOnlySpan<byte>> consume,
        CancellationToken ct)
    {
        using var s3 = Client(endpoint);
        var path = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"s3zipexport-bench-{Guid.NewGuid():N}.zip");
        var problems = new List<string>();
        try
        {
            var checksumAlgorithm = expected.ChecksumAlgorithm;
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
            if (zipBytes != expected.ZipBytes) problems.Add($"object is {zipBytes} bytes, the summary says {expected.ZipBytes}");
            var algorithm = checksumAlgorithm == "CRC32" ? FullObjectChecksum.Crc32 : FullObjectChecksum.Crc64Nvme;
            var actual = algorithm.ToS3(objectCrc is Crc32 crc32 ? crc32.GetCurrentHashAsUInt32() : ((Crc64)objectCrc).GetCurrentHashAsUInt64());
            if (expected.Checksum is not null && actual != expected.Checksum)
                problems.Add($"object {checksumAlgorithm} is {actual}, the summary says {expected.Checksum}");

            using var zip = ZipFile.OpenRead(path);
            if (zip.Entries.Count != expected.Files) problems.Add($"{zip.Entries.Count} entries, the summary says {expected.Files} files");
            var entries = new List<EntryDigest>();
            var block = new byte[BlockBytes];
            foreach (var entry in zip.Entries)
            {
                var crc = new Crc32();
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                long length = 0;
                using (var content = entry.Open())
                {
                    int read;
                    while ((read = content.ReadAtLeast(block, block.Length, throwOnEndOfStream: false)) > 0)
                    {
                        crc.Append(block.AsSpan(0, read));
                        sha.AppendData(block.AsSpan(0, read));
                        length += read;
                        consume(block.AsSpan(0, read));
                    }
                }
                if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
                    problems.Add($"{entry.FullName}: CRC-32 is {crc.GetCurrentHashAsUInt32():x8}, the ZIP says {entry.Crc32:x8}");
                if (length != entry.Length) problems.Add($"{entry.FullName} inflates to {length} bytes, the ZIP says {entry.Length}");
                entries.Add(new EntryDigest(entry.FullName, length, Convert.ToHexStringLower(sha.GetHashAndReset())));
            }
            var csvBytes = entries.Sum(e => e.CsvBytes);
            if (csvBytes != expected.CsvBytes) problems.Add($"the entries inflate to {csvBytes} bytes, the summary says {expected.CsvBytes}");
            return new Result(zipBytes, csvBytes, entries, string.Join("; ", problems));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
