using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using S3ZipExport.Export;
using S3ZipExport.Tests.Fixtures;
using S3ZipExport.Upload;

namespace S3ZipExport.Tests.Upload;

/// <summary>
/// The upload cut and resumed as an export of several invocations does it (Export/SlicedExport), against moto, the
/// strict peer (a part under 5 MiB other than the last is EntityTooSmall at Complete): each invocation is a new stream
/// given the state the previous one's SuspendAsync returned, through the state's JSON, and the unfilled part it kept.
/// Wherever the cuts fall, the object is the one an uninterrupted upload of the same bytes makes: the same bytes, the
/// same parts (so the same multipart ETag), the checksum of its bytes; and no incomplete upload is left.
/// </summary>
[Collection(LocalS3Collection.Name)]
public sealed class UploadSuspendTests
{
    private const int Part = (int)PartSizeSchedule.MinPartBytes;
    private const int MiB = (int)PartSizeSchedule.MiB;
    private const string OneRunKey = "tests/one-run.bin";
    private const string SlicedKey = "tests/sliced.bin";
    private readonly LocalS3Fixture _s3;

    public UploadSuspendTests(LocalS3Fixture s3)
    {
        _s3 = s3;
        s3.Reset();
    }

    /// <summary>What a cut leaves for the next invocation, as the state store keeps it: the state as JSON, the tail as its own bytes.</summary>
    private sealed record Cut(UploadState State, byte[] Tail);

    public static TheoryData<string, int, int[]> Cuts => new()
    {
        // name, object length, where the invocations are cut (bytes written so far)
        { "at a part boundary: no tail", 3 * Part + 4321, [2 * Part] },
        { "mid-part: the unfilled part is the tail", 3 * Part + 4321, [Part + 1234] },
        { "before the first part was full: no upload yet", 2 * Part + 99, [MiB] },
        { "every kind, twice before the first part was full", 4 * Part + 10, [MiB, 3 * MiB, Part, 2 * Part + 77, 2 * Part + 99, 3 * Part] },
        { "an object of less than one part: one PutObject", 3 * MiB, [MiB, 2 * MiB] },
    };

    [LocalS3Theory]
    [MemberData(nameof(Cuts))]
    public async Task Cut_anywhere_and_resumed_the_upload_gives_the_object_of_one_uninterrupted_upload(string name, int length, int[] cuts)
    {
        _ = name;
        var data = RandomBytes(length);
        var algorithm = FullObjectChecksum.Crc32;   // moto reckons a CRC-32 itself, from the parts it holds
        var oneRun = await OneRunAsync(data, algorithm);

        Cut? cut = null;
        var written = 0;
        foreach (var at in cuts)
        {
            cut = await SuspendAsync(SlicedKey, cut, data.AsMemory(written, at - written), algorithm);
            written = at;
            AssertStateAt(cut, at, data);
            // The multipart upload is created when the first part is full, in whichever invocation that is.
            Assert.Equal(at >= Part ? 1 : 0, _s3.Proxy.Requests.Count(r => r.Operation == S3Operation.CreateMultipartUpload));
            if (at < Part) Assert.Empty(_s3.Proxy.Requests);   // nothing at all was sent to S3 yet
        }
        var (etag, checksum) = await CompleteAsync(SlicedKey, cut, data.AsMemory(written), algorithm);
        if (length < Part) Assert.Equal([S3Operation.PutObject], _s3.Proxy.Requests.Select(r => r.Operation));

        await AssertSameAsOneRunAsync(data, oneRun, (SlicedKey, etag), checksum, algorithm);
        await _s3.AssertNoUploadLeftAsync();
    }

    /// <summary>
    /// An invocation that uploaded parts and was killed before it saved its state is retried from the state before it:
    /// the same parts are uploaded again, under the same numbers, into the same upload, and replace the first ones.
    /// </summary>
    [LocalS3Theory]
    [InlineData(Part + 1234)]
    [InlineData(2 * Part)]
    public async Task Resumed_twice_from_the_same_state_the_same_parts_are_uploaded_again_and_the_object_is_the_same(int firstCut)
    {
        var data = RandomBytes(4 * Part + 555);
        var algorithm = FullObjectChecksum.Crc64Nvme;
        var oneRun = await OneRunAsync(data, algorithm);

        var saved = await SuspendAsync(SlicedKey, from: null, data.AsMemory(0, firstCut), algorithm);
        // The first attempt gets as far as part 3 or 4 and is lost with its state: it never saved what it cut at.
        var lost = await SuspendAsync(SlicedKey, saved, data.AsMemory(firstCut, 3 * Part + 100 - firstCut), algorithm);
        Assert.Equal(saved.State.UploadId, lost.State.UploadId);
        var partsOfLost = PartRequests().Where(r => r.PartNumber > saved.State.Parts.Count).ToList();
        Assert.NotEmpty(partsOfLost);
        // The retry, from the same state and tail, runs to the end.
        var (etag, checksum) = await CompleteAsync(SlicedKey, saved, data.AsMemory(firstCut), algorithm);

        var again = PartRequests().Except(partsOfLost).ToList();
        foreach (var first in partsOfLost)
        {
            var retried = again.Single(r => r.PartNumber == first.PartNumber);
            Assert.Equal((first.UploadId, first.ContentLength, first.Headers["x-amz-checksum-crc64nvme"]),
                (retried.UploadId, retried.ContentLength, retried.Headers["x-amz-checksum-crc64nvme"]));
        }
        await AssertSameAsOneRunAsync(data, oneRun, (SlicedKey, etag), checksum, algorithm);
        await _s3.AssertNoUploadLeftAsync();
    }

    /// <summary>
    /// From a state saved before the first part was full there is no upload to go back to: each attempt creates its
    /// own. The object is right; the upload stream leaves the lost attempt's upload, which the export above it has
    /// recorded: its next invocation or its abort aborts it (SlicedExportRecoveryTests).
    /// </summary>
    [LocalS3Fact]
    public async Task Resumed_twice_from_a_state_with_no_upload_yet_each_attempt_creates_its_own_and_the_lost_one_is_left_to_the_export()
    {
        var data = RandomBytes(3 * Part + 555);
        var algorithm = FullObjectChecksum.Crc64Nvme;
        var oneRun = await OneRunAsync(data, algorithm);

        var saved = await SuspendAsync(SlicedKey, from: null, data.AsMemory(0, MiB), algorithm);
        Assert.Null(saved.State.UploadId);
        var lost = await SuspendAsync(SlicedKey, saved, data.AsMemory(MiB, 2 * Part), algorithm);
        var (etag, checksum) = await CompleteAsync(SlicedKey, saved, data.AsMemory(MiB), algorithm);

        await AssertSameAsOneRunAsync(data, oneRun, (SlicedKey, etag), checksum, algorithm);
        Assert.Equal([lost.State.UploadId], (await _s3.S3.ListIncompleteUploadsAsync(LocalS3Fixture.Bucket)).Select(u => u.UploadId));
        await new S3UploadClient(_s3.S3, Options(SlicedKey, algorithm)).AbortAsync(lost.State.UploadId!, CancellationToken.None);
        await _s3.AssertNoUploadLeftAsync();
    }

    /// <summary>The state a cut after <paramref name="at"/> bytes must leave: every full part acknowledged, the rest kept as the tail.</summary>
    private static void AssertStateAt(Cut cut, int at, byte[] data)
    {
        var full = at / Part;
        var state = cut.State;
        Assert.Equal(at, state.BytesWritten);
        Assert.Equal(full == 0, state.UploadId is null);
        Assert.Equal(full + 1, state.NextPart);
        Assert.Equal(Enumerable.Range(1, full), state.Parts.Select(p => p.Number));
        Assert.All(state.Parts, p => Assert.Equal(Part, p.Size));
        Assert.Equal(at % Part, state.TailLength);
        Assert.True(data.AsSpan(at - state.TailLength, state.TailLength).SequenceEqual(cut.Tail), "the tail is not the unfilled part's bytes");
    }

    /// <summary>
    /// The sliced object against the uninterrupted one: the bytes written, the same parts (moto's multipart ETag is
    /// the MD5 of the parts' MD5s and their count), and the whole object's checksum the stream reported, which is the
    /// checksum of those bytes; for CRC-32, also moto's own, which it reckons from the parts it holds.
    /// </summary>
    private async Task AssertSameAsOneRunAsync(byte[] data, OneRun oneRun, (string Key, string ETag) sliced, string checksum, FullObjectChecksum algorithm)
    {
        var object_ = await _s3.S3.DownloadAsync(LocalS3Fixture.Bucket, sliced.Key);
        Assert.True(data.AsSpan().SequenceEqual(object_), "the object is not the bytes written");
        Assert.Equal(oneRun.ETag, sliced.ETag);
        Assert.Equal(S3Checksums.Of(algorithm.S3Name(), data), checksum);
        if (data.Length >= Part)
        {
            var sizes = PartSizesOf(sliced.Key);
            Assert.Equal(oneRun.PartSizes, sizes);
            Assert.All(sizes.SkipLast(1), size => Assert.Equal(Part, size));
        }
        if (algorithm != FullObjectChecksum.Crc32) return;
        var head = await _s3.S3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = LocalS3Fixture.Bucket, Key = sliced.Key, ChecksumMode = ChecksumMode.ENABLED,
        });
        Assert.Equal(checksum, head.ChecksumCRC32);
    }

    private sealed record OneRun(string ETag, IReadOnlyList<long> PartSizes);

    /// <summary>The same bytes uploaded in one invocation, to compare with; the proxy's record of it is cleared afterwards.</summary>
    private async Task<OneRun> OneRunAsync(byte[] data, FullObjectChecksum algorithm)
    {
        var (etag, _) = await CompleteAsync(OneRunKey, from: null, data, algorithm);
        var oneRun = new OneRun(etag, data.Length >= Part ? PartSizesOf(OneRunKey) : []);
        _s3.Proxy.ClearRequests();
        return oneRun;
    }

    /// <summary>The sizes of the parts the completed upload of <paramref name="key"/> was made of, as the proxy saw them accepted.</summary>
    private IReadOnlyList<long> PartSizesOf(string key)
    {
        var complete = _s3.Proxy.Requests.Last(r => r.Operation == S3Operation.CompleteMultipartUpload && r.Key == key && r.Succeeded);
        return _s3.Proxy.PartSizes(complete.UploadId!);
    }

    private List<RecordedRequest> PartRequests() =>
        _s3.Proxy.Requests.Where(r => r.Operation == S3Operation.UploadPart && r.Key == SlicedKey && r.Succeeded).ToList();

    /// <summary>One invocation that ends at a cut: a stream resumed from <paramref name="from"/> (or new), written, suspended.</summary>
    private async Task<Cut> SuspendAsync(string key, Cut? from, ReadOnlyMemory<byte> bytes, FullObjectChecksum algorithm)
    {
        var upload = Open(key, from, algorithm);
        await WriteAsync(upload, bytes);
        var (state, tail) = await upload.SuspendAsync();
        var json = JsonSerializer.SerializeToUtf8Bytes(state, ExportStateJson.Default.UploadState);
        return new Cut(JsonSerializer.Deserialize(json, ExportStateJson.Default.UploadState)!, tail.ToArray());
    }

    /// <summary>The invocation that ends the upload: resumed from <paramref name="from"/> (or new), written, completed.</summary>
    private async Task<(string ETag, string Checksum)> CompleteAsync(string key, Cut? from, ReadOnlyMemory<byte> bytes, FullObjectChecksum algorithm)
    {
        var upload = Open(key, from, algorithm);
        await WriteAsync(upload, bytes);
        var etag = await upload.CompleteAsync(CancellationToken.None);
        return (etag, upload.ObjectChecksum!);
    }

    private ObjectUploadStream Open(string key, Cut? from, FullObjectChecksum algorithm)
    {
        var options = Options(key, algorithm);
        return new ObjectUploadStream(new S3UploadClient(_s3.S3, options), options, CancellationToken.None, from?.State, from?.Tail ?? default);
    }

    private static UploadOptions Options(string key, FullObjectChecksum algorithm) => new()
    {
        Bucket = LocalS3Fixture.Bucket, Key = key, ContentType = "application/octet-stream",
        PartBytes = Part, MaxPartBytes = Part, Concurrency = 2, Checksum = algorithm,
    };

    /// <summary>Writes in pieces that do not divide a part, as the archive writer's records and deflate blocks do.</summary>
    private static async Task WriteAsync(ObjectUploadStream upload, ReadOnlyMemory<byte> bytes)
    {
        const int Piece = 100_003;
        for (var at = 0; at < bytes.Length; at += Piece)
            await upload.WriteAsync(bytes.Slice(at, Math.Min(Piece, bytes.Length - at)));
    }

    private static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }
}
