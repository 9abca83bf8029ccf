using System.Collections.Concurrent;
using S3ZipExport.Upload;

namespace S3ZipExport.Tests.Upload;

/// <summary>
/// The upload stream's rules, driven in milliseconds through its S3 seam with a scripted client whose calls finish
/// only when the test says so (the way System.IO.Pipelines tests backpressure): no timing, no network.
/// </summary>
public class ObjectUploadStreamTests
{
    private const int PartBytes = 1024;

    private static UploadOptions Options(int concurrency = 2) =>
        new() { Bucket = "b", Key = "k", PartBytes = PartBytes, MaxPartBytes = PartBytes, Concurrency = concurrency };

    [Fact]
    public async Task The_writer_waits_while_concurrency_parts_are_in_flight_and_goes_on_when_one_finishes()
    {
        var client = new ScriptedClient();
        var upload = new ObjectUploadStream(client, Options(concurrency: 2), CancellationToken.None);

        await upload.WriteAsync(new byte[2 * PartBytes]);            // parts 1 and 2 in flight
        var third = upload.WriteAsync(new byte[PartBytes]).AsTask();  // part 3 must wait for a slot
        Assert.False(third.IsCompleted);
        Assert.Equal([1, 2], client.Started);

        client.Finish(1);
        await third;
        Assert.Equal([1, 2, 3], client.Started);
    }

    [Fact]
    public async Task Part_buffers_stay_within_concurrency_plus_one()
    {
        var client = new ScriptedClient { FinishAtOnce = true };
        var upload = new ObjectUploadStream(client, Options(concurrency: 3), CancellationToken.None);
        for (var i = 0; i < 50; i++) await upload.WriteAsync(new byte[PartBytes]);
        await upload.CompleteAsync(CancellationToken.None);
        Assert.InRange(upload.PartBuffersAllocated, 1, 3 + 1);
        Assert.Equal(50, upload.PartsCompleted);
    }

    [Fact]
    public async Task An_export_smaller_than_one_part_is_one_PutObject_and_nothing_else()
    {
        var client = new ScriptedClient { FinishAtOnce = true };
        var upload = new ObjectUploadStream(client, Options(), CancellationToken.None);
        var bytes = "small export"u8.ToArray();
        await upload.WriteAsync(bytes);
        await upload.CompleteAsync(CancellationToken.None);

        Assert.Equal(["Put"], client.Calls);
        Assert.Equal(bytes, client.Put);
        Assert.Equal(FullObjectChecksum.Crc64Nvme.ToS3(FullObjectChecksum.Crc64Nvme.Hash(bytes)), upload.ObjectChecksum);
        Assert.Equal(1, upload.PartsCompleted);
    }

    [Fact]
    public async Task The_upload_is_created_when_the_first_part_is_full_and_completed_with_the_combined_checksum()
    {
        var client = new ScriptedClient { FinishAtOnce = true };
        var upload = new ObjectUploadStream(client, Options(), CancellationToken.None);
        var data = new byte[PartBytes * 2 + 100];
        new Random(7).NextBytes(data);
        await upload.WriteAsync(data.AsMemory(0, PartBytes - 1));
        Assert.Empty(client.Calls);                                  // not full yet: nothing in S3
        await upload.WriteAsync(data.AsMemory(PartBytes - 1));
        await upload.CompleteAsync(CancellationToken.None);

        Assert.Equal(["Create", "Part 1", "Part 2", "Part 3", "Complete"], client.Calls);
        Assert.Equal(FullObjectChecksum.Crc64Nvme.Hash(data), client.CompletedChecksum);
        Assert.Equal(data.Length, client.CompletedSize);
    }

    [Fact]
    public async Task The_first_failed_part_is_the_error_not_the_cancellation_of_the_others_and_the_upload_is_aborted()
    {
        var client = new ScriptedClient();
        var upload = new ObjectUploadStream(client, Options(concurrency: 3), CancellationToken.None);
        await upload.WriteAsync(new byte[3 * PartBytes]);   // parts 1-3 in flight
        var failure = new IOException("part 2 refused");
        client.Fail(2, failure);                              // the others are cancelled by it
        await client.Ended(1);                                // so the failure is known by now

        var thrown = await Assert.ThrowsAsync<IOException>(() => upload.WriteAsync(new byte[PartBytes]).AsTask());
        Assert.Same(failure, thrown);
        Assert.Same(failure, await Assert.ThrowsAsync<IOException>(() => upload.CompleteAsync(CancellationToken.None)));
        await upload.AbortAsync();
        Assert.Contains("Abort", client.Calls);
        Assert.DoesNotContain("Complete", client.Calls);
    }

    [Fact]
    public async Task Abort_never_throws_even_when_every_abort_fails()
    {
        var client = new ScriptedClient { FinishAtOnce = true, AbortFails = true };
        var upload = new ObjectUploadStream(client, Options(), CancellationToken.None);
        await upload.WriteAsync(new byte[PartBytes]);
        await upload.AbortAsync();
        Assert.Equal(3, client.Calls.Count(c => c == "Abort"));
    }

    [Fact]
    public async Task Abort_before_any_part_was_full_sends_nothing()
    {
        var client = new ScriptedClient { FinishAtOnce = true };
        var upload = new ObjectUploadStream(client, Options(), CancellationToken.None);
        await upload.WriteAsync(new byte[PartBytes / 2]);
        await upload.AbortAsync();
        Assert.Empty(client.Calls);
    }

    /// <summary>An upload client whose parts finish when the test says so (or at once), recording every call.</summary>
    private sealed class ScriptedClient : IUploadClient
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _parts = new();
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _ended = new();
        private readonly ConcurrentQueue<string> _calls = new();

        public bool FinishAtOnce { get; init; }
        public bool AbortFails { get; init; }
        public IReadOnlyList<string> Calls => [.. _calls];
        public IReadOnlyList<int> Started => _parts.Keys.Order().ToList();
        public byte[]? Put { get; private set; }
        public ulong CompletedChecksum { get; private set; }
        public long CompletedSize { get; private set; }

        public void Finish(int part) => _parts[part].SetResult();
        public void Fail(int part, Exception e) => _parts[part].SetException(e);
        public Task Ended(int part) => EndOf(part).Task;
        private TaskCompletionSource EndOf(int part) => _ended.GetOrAdd(part, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public Task<string> CreateAsync(CancellationToken ct)
        {
            _calls.Enqueue("Create");
            return Task.FromResult("upload-1");
        }

        public async Task<UploadedPart> UploadPartAsync(string uploadId, int partNumber, ReadOnlyMemory<byte> body, ulong checksum, CancellationToken ct)
        {
            _calls.Enqueue($"Part {partNumber}");
            var done = _parts.GetOrAdd(partNumber, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (FinishAtOnce) done.TrySetResult();
            try
            {
                await done.Task.WaitAsync(ct);
                return new UploadedPart(partNumber, $"etag-{partNumber}", checksum, body.Length);
            }
            finally
            {
                EndOf(partNumber).TrySetResult();
            }
        }

        public Task<string> CompleteAsync(string uploadId, IReadOnlyList<UploadedPart> parts, ulong objectChecksum, long objectSize, CancellationToken ct)
        {
            _calls.Enqueue("Complete");
            (CompletedChecksum, CompletedSize) = (objectChecksum, objectSize);
            return Task.FromResult("etag");
        }

        public Task AbortAsync(string uploadId, CancellationToken ct)
        {
            _calls.Enqueue("Abort");
            return AbortFails ? Task.FromException(new IOException("abort refused")) : Task.CompletedTask;
        }

        public Task<string> PutAsync(ReadOnlyMemory<byte> body, ulong checksum, CancellationToken ct)
        {
            _calls.Enqueue("Put");
            Put = body.ToArray();
            return Task.FromResult("etag");
        }
    }
}
