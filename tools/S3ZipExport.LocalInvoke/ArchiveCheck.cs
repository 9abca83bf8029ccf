using System.IO.Compression;
using System.IO.Hashing;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Sylvan.Data.Csv;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// Reads the exported object back from s3rver and checks it as a user would open it: a ZIP with one entry whose
/// CRC-32 and length match its bytes, holding CSV with one row per exported record.
/// </summary>
internal static class ArchiveCheck
{
    public sealed record Expected(string Bucket, string Key, long Records, long CsvBytes);

    /// <summary>Returns a one-line result; throws <see cref="InvalidDataException"/> naming what does not match.</summary>
    public static async Task<string> RunAsync(Uri endpoint, Expected expected, CancellationToken ct)
    {
        var config = new AmazonS3Config { ServiceURL = endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = EmbeddedServices.Region };
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(EmbeddedServices.AccessKey, EmbeddedServices.AccessKey), config);

        // ZipArchive needs a seekable stream to find the central directory: the object goes to a temp file, not memory.
        await using var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        using (var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = expected.Bucket, Key = expected.Key }, ct))
            await response.ResponseStream.CopyToAsync(file, ct);
        var zipBytes = file.Length;
        file.Position = 0;

        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        if (zip.Entries.Count != 1)
            throw new InvalidDataException($"s3://{expected.Bucket}/{expected.Key} has {zip.Entries.Count} entries, expected 1.");
        var entry = zip.Entries[0];

        var crc = new Crc32();
        long csvBytes = 0, rows;
        await using (var content = await entry.OpenAsync(ct))
        await using (var hashed = new HashingReadStream(content, crc, n => csvBytes += n))
        using (var text = new StreamReader(hashed, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true)))
        {
            await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true }, ct);
            rows = 0;
            while (await csv.ReadAsync(ct)) rows++;
            await hashed.CopyToAsync(Stream.Null, ct);   // the rest, if the reader stopped early: the CRC covers every byte
        }

        var actualCrc = crc.GetCurrentHashAsUInt32();
        if (actualCrc != entry.Crc32)
            throw new InvalidDataException($"{entry.FullName}: CRC-32 of the content is {actualCrc:x8}, the ZIP says {entry.Crc32:x8}.");
        if (csvBytes != entry.Length || csvBytes != expected.CsvBytes)
            throw new InvalidDataException($"{entry.FullName}: {csvBytes} bytes inflated, the ZIP says {entry.Length}, the summary says {expected.CsvBytes}.");
        if (rows != expected.Records)
            throw new InvalidDataException($"{entry.FullName}: {rows} CSV rows, the summary says {expected.Records} records.");

        return $"check ok: s3://{expected.Bucket}/{expected.Key} ({zipBytes:N0} bytes) opens as a ZIP with 1 entry, {entry.FullName}: " +
               $"CRC-32 {actualCrc:x8} ok, {csvBytes:N0} CSV bytes, {rows} rows = {expected.Records} records";
    }

    /// <summary>Passes reads through, feeding every byte read to a CRC and a counter.</summary>
    private sealed class HashingReadStream(Stream inner, Crc32 crc, Action<int> counted) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            crc.Append(buffer[..n]);
            counted(n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = await inner.ReadAsync(buffer, ct);
            crc.Append(buffer.Span[..n]);
            counted(n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
