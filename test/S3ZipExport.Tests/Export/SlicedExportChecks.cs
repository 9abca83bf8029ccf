using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Amazon.S3.Model;
using S3ZipExport.Tests.Archive;
using S3ZipExport.Tests.Fixtures;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Export;

/// <summary>What every export of several invocations must show at its end, and its state objects in S3.</summary>
internal static class SlicedExportChecks
{
    /// <summary>The EXPORT_STATE_PREFIX the tests give the function.</summary>
    public const string StatePrefix = "state/";

    /// <summary>
    /// The sliced export's object against one run's of the same source and settings: the same counts, the same CSV
    /// bytes in every entry, the checksum of its own bytes, every archive reader's acceptance; and nothing left behind.
    /// </summary>
    public static async Task AssertSameAsOneRunAsync(LocalS3Fixture s3, ITestOutputHelper log,
        (JsonElement Summary, string Key) oneRun, (JsonElement Summary, string Key) sliced, string extension)
    {
        var summary = sliced.Summary;
        Assert.True(summary.GetProperty("invocations").GetInt32() > 1);
        foreach (var count in new[] { "records", "rows", "csvBytes", "files", "skippedRecords" })
            Assert.True(oneRun.Summary.GetProperty(count).GetInt64() == summary.GetProperty(count).GetInt64(),
                $"{count}: one run {oneRun.Summary.GetProperty(count)}, slices {summary.GetProperty(count)}");

        var single = await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, oneRun.Key);
        var object_ = await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, sliced.Key);
        Assert.Equal(object_.Length, summary.GetProperty("zipBytes").GetInt64());
        Assert.Equal(S3Checksums.Of(summary.GetProperty("checksumAlgorithm").GetString()!, object_), summary.GetProperty("checksum").GetString());

        var expected = AssertSameContents(single, object_, extension);
        if (extension == ".zip")
        {
            var fingerprints = new ExpectedContent();
            foreach (var (name, csv) in expected) await fingerprints.Track(name, csv).CopyToAsync(Stream.Null);
            await ZipReaders.AssertAllAcceptAsync(object_, fingerprints, log);
        }
        else
        {
            // One gzip member, not one per invocation: its trailer holds the CRC-32 and size of the whole CSV.
            var csv = expected[0].Csv;
            Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(csv), BinaryPrimitives.ReadUInt32LittleEndian(object_.AsSpan(^8)));
            Assert.Equal((uint)csv.Length, BinaryPrimitives.ReadUInt32LittleEndian(object_.AsSpan(^4)));
            await GzipAcceptsAsync(object_, log);
        }
        await AssertNothingLeftAsync(s3);
    }

    /// <summary>The same entries, by name and CSV bytes, in both archives; returns the expected ones.</summary>
    public static List<(string Name, byte[] Csv)> AssertSameContents(byte[] expectedArchive, byte[] actualArchive, string extension)
    {
        var expected = Contents(expectedArchive, extension);
        var actual = Contents(actualArchive, extension);
        Assert.Equal(expected.Select(e => e.Name), actual.Select(e => e.Name));
        for (var i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Csv.AsSpan().SequenceEqual(actual[i].Csv), $"entry {expected[i].Name} differs");
        return expected;
    }

    /// <summary>No state or tail object under the state prefix, and no incomplete upload.</summary>
    public static async Task AssertNothingLeftAsync(LocalS3Fixture s3)
    {
        Assert.Empty(await StateKeysAsync(s3));
        Assert.Empty(await s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket));
    }

    public static async Task<IReadOnlyList<string>> StateKeysAsync(LocalS3Fixture s3)
    {
        var listed = await s3.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = LocalS3Fixture.Bucket, Prefix = StatePrefix });
        return (listed.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    /// <summary>Every object under the state prefix, with its bytes.</summary>
    public static async Task<Dictionary<string, byte[]>> SnapshotStateAsync(LocalS3Fixture s3)
    {
        var snapshot = new Dictionary<string, byte[]>();
        foreach (var key in await StateKeysAsync(s3)) snapshot[key] = await s3.S3.DownloadAsync(LocalS3Fixture.Bucket, key);
        return snapshot;
    }

    /// <summary>
    /// Puts the state and tails back as <paramref name="snapshot"/> had them (those saved since are deleted). The records
    /// of uploads created since stay: nothing real takes them back, and without them such an upload could not be found.
    /// </summary>
    public static async Task RestoreStateAsync(LocalS3Fixture s3, Dictionary<string, byte[]> snapshot)
    {
        foreach (var key in (await StateKeysAsync(s3)).Except(snapshot.Keys).Where(k => !k.Contains("/upload-", StringComparison.Ordinal)))
            await s3.S3.DeleteObjectAsync(LocalS3Fixture.Bucket, key);
        foreach (var (key, bytes) in snapshot)
            await s3.S3.PutObjectAsync(new PutObjectRequest { BucketName = LocalS3Fixture.Bucket, Key = key, InputStream = new MemoryStream(bytes) });
    }

    public static List<(string Name, byte[] Csv)> Contents(byte[] archive, string extension)
    {
        if (extension != ".zip")
        {
            using var gzip = new GZipStream(new MemoryStream(archive), CompressionMode.Decompress);
            using var csv = new MemoryStream();
            gzip.CopyTo(csv);
            return [("(gzip)", csv.ToArray())];
        }
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        return zip.Entries.Select(e =>
        {
            using var entry = e.Open();
            using var csv = new MemoryStream();
            entry.CopyTo(csv);
            return (e.FullName, csv.ToArray());
        }).ToList();
    }

    private static async Task GzipAcceptsAsync(byte[] archive, ITestOutputHelper log)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sliced-{Guid.NewGuid():N}.csv.gz");
        try
        {
            await File.WriteAllBytesAsync(path, archive);
            var gzip = await ChildProcess.RunAsync("gzip", ["-t", "-v", path], TimeSpan.FromMinutes(1));
            log.WriteLine(gzip.Stderr);
            Assert.Equal(0, gzip.ExitCode);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
