using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using S3ZipExport.Archive;
using S3ZipExport.Tests.Fixtures;
using Xunit.Abstractions;

namespace S3ZipExport.Tests.Archive;

public sealed class ZipStreamWriterTests(ITestOutputHelper log)
{
    private static readonly DateTimeOffset Modified = new(2024, 5, 6, 7, 8, 10, TimeSpan.Zero);

    private static byte[] Csv(int bytes, int seed = 1)
    {
        var pattern = PatternStream.BuildPattern(rows: 200, seed);
        var data = new byte[bytes];
        for (var i = 0; i < bytes; i += pattern.Length)
            pattern.AsSpan(0, Math.Min(pattern.Length, bytes - i)).CopyTo(data.AsSpan(i));
        return data;
    }

    private static async Task<byte[]> WriteAsync(CompressionLevel level, int threads, int chunkBytes, ExpectedContent expected,
        params (string Name, byte[] Content)[] entries)
    {
        var buffer = new MemoryStream();
        var writer = new ZipStreamWriter(new NonSeekableStream(buffer), level, threads, chunkBytes);
        foreach (var (name, content) in entries)
        {
            var info = await writer.WriteEntryAsync(name, Modified, expected.Track(name, content), CancellationToken.None);
            Assert.Equal(content.Length, info!.Value.UncompressedSize);
        }
        await writer.FinishAsync(CancellationToken.None);
        Assert.Equal(buffer.Length, writer.BytesWritten);
        Assert.Equal(entries.Sum(e => (long)e.Content.Length), writer.UncompressedBytes);
        return buffer.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Small_entry_round_trips_through_every_reader(int threads)
    {
        var expected = new ExpectedContent();
        var zip = await WriteAsync(CompressionLevel.Optimal, threads, 1 << 16, expected, ("data.csv", Csv(300_000)));
        var ran = await ZipReaders.AssertAllAcceptAsync(zip, expected, log);
        log.WriteLine("readers: " + string.Join(", ", ran));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Empty_entry_is_a_valid_deflate_stream_for_every_reader(int threads)
    {
        var expected = new ExpectedContent();
        var zip = await WriteAsync(CompressionLevel.Optimal, threads, 1 << 16, expected, ("empty.csv", []), ("after.csv", "a,b\n"u8.ToArray()));
        await ZipReaders.AssertAllAcceptAsync(zip, expected, log);
    }

    [Fact]
    public async Task Several_entries_with_Japanese_names_are_readable_by_every_reader()
    {
        var expected = new ExpectedContent();
        var zip = await WriteAsync(CompressionLevel.Optimal, 2, 1 << 16, expected,
            ("売上/2024年5月.csv", Csv(200_000, seed: 1)),
            ("顧客一覧.csv", Csv(70_000, seed: 2)),
            ("sub/dir/ascii name.csv", Csv(10, seed: 3)));
        await ZipReaders.AssertAllAcceptAsync(zip, expected, log);
    }

    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    [InlineData(CompressionLevel.NoCompression)]
    public async Task Every_level_is_deflate_method_8_and_readable_by_every_reader(CompressionLevel level)
    {
        var expected = new ExpectedContent();
        var zip = await WriteAsync(level, 2, 1 << 16, expected, ("a.csv", Csv(150_000)), ("b.csv", Csv(1000)));
        Assert.Equal(8, BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(8)));
        await ZipReaders.AssertAllAcceptAsync(zip, expected, log);
    }

    [Fact]
    public async Task Threads_1_2_and_4_produce_the_same_uncompressed_bytes()
    {
        var content = Csv(1_000_000);
        foreach (var threads in new[] { 1, 2, 4 })
        {
            var expected = new ExpectedContent();
            var zip = await WriteAsync(CompressionLevel.Optimal, threads, 100_000, expected, ("data.csv", content));
            using var archive = new ZipArchive(new MemoryStream(zip));
            using var entry = new MemoryStream();
            await using (var stream = archive.Entries.Single().Open()) await stream.CopyToAsync(entry);
            Assert.Equal(content, entry.ToArray());
            log.WriteLine($"threads {threads}: {zip.Length} bytes");
        }
    }

    [Theory]
    [InlineData(1, 65_535)]
    [InlineData(1, 65_536)]
    [InlineData(1, 65_537)]
    [InlineData(2, 65_535)]
    [InlineData(2, 65_536)]
    [InlineData(2, 65_537)]
    [InlineData(2, 3 * 65_536)]
    [InlineData(3, 1)]
    public async Task Input_ending_near_a_chunk_boundary_is_readable_by_every_reader(int threads, int length)
    {
        var expected = new ExpectedContent();
        var zip = await WriteAsync(CompressionLevel.Optimal, threads, 65_536, expected, ("edge.csv", Csv(length)), ("next.csv", Csv(100)));
        await ZipReaders.AssertAllAcceptAsync(zip, expected, log);
    }

    [Fact]
    public async Task Incompressible_input_split_into_many_chunks_is_readable_by_every_reader()
    {
        var random = new byte[500_000];
        new Random(7).NextBytes(random);
        var expected = new ExpectedContent();
        var zip = await WriteAsync(CompressionLevel.Optimal, 4, 10_000, expected, ("random.bin", random));
        await ZipReaders.AssertAllAcceptAsync(zip, expected, log);
    }

    [Fact]
    public async Task Local_header_announces_Zip64_data_descriptor_and_UTF8_name()
    {
        var zip = await WriteAsync(CompressionLevel.Optimal, 2, 1 << 16, new ExpectedContent(), ("名前.csv", Csv(1000)));
        var name = Encoding.UTF8.GetBytes("名前.csv");
        var p = zip.AsSpan();
        Assert.Equal(0x04034b50u, BinaryPrimitives.ReadUInt32LittleEndian(p));
        Assert.Equal(45, BinaryPrimitives.ReadUInt16LittleEndian(p[4..]));             // version needed 4.5
        Assert.Equal(0x0808, BinaryPrimitives.ReadUInt16LittleEndian(p[6..]));         // bits 3 and 11
        Assert.Equal(8, BinaryPrimitives.ReadUInt16LittleEndian(p[8..]));              // deflate
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(p[14..]));            // CRC in descriptor
        Assert.Equal(uint.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(p[18..])); // sizes in Zip64 extra
        Assert.Equal(uint.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(p[22..]));
        Assert.Equal(name.Length, BinaryPrimitives.ReadUInt16LittleEndian(p[26..]));
        Assert.Equal(20, BinaryPrimitives.ReadUInt16LittleEndian(p[28..]));
        Assert.Equal(name, p.Slice(30, name.Length).ToArray());
        var extra = p[(30 + name.Length)..];
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(extra));
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]));
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(extra[4..]));
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(extra[12..]));
    }

    [Fact]
    public async Task Small_archive_has_a_24_byte_descriptor_and_no_Zip64_in_the_central_directory()
    {
        var content = Csv(5000);
        var zip = await WriteAsync(CompressionLevel.Optimal, 1, 1 << 16, new ExpectedContent(), ("a.csv", content));
        var p = zip.AsSpan();
        var eocd = p[^22..];
        Assert.Equal(0x06054b50u, BinaryPrimitives.ReadUInt32LittleEndian(eocd));
        var cdOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(eocd[16..]);
        Assert.NotEqual(0x07064b50u, BinaryPrimitives.ReadUInt32LittleEndian(p[^42..])); // no Zip64 locator

        var descriptor = p.Slice(cdOffset - 24, 24);
        Assert.Equal(0x08074b50u, BinaryPrimitives.ReadUInt32LittleEndian(descriptor));
        var compressed = (long)BinaryPrimitives.ReadUInt64LittleEndian(descriptor[8..]);
        Assert.Equal(content.Length, (long)BinaryPrimitives.ReadUInt64LittleEndian(descriptor[16..]));

        var cd = p[cdOffset..];
        Assert.Equal(0x02014b50u, BinaryPrimitives.ReadUInt32LittleEndian(cd));
        Assert.Equal((uint)compressed, BinaryPrimitives.ReadUInt32LittleEndian(cd[20..]));
        Assert.Equal((uint)content.Length, BinaryPrimitives.ReadUInt32LittleEndian(cd[24..]));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(cd[30..]));           // no extra field
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(cd[42..]));           // local header at 0
    }

    [Fact]
    public async Task More_than_65535_entries_use_the_Zip64_end_record_and_are_readable_by_every_reader()
    {
        var expected = new ExpectedContent();
        var buffer = new MemoryStream();
        var writer = new ZipStreamWriter(new NonSeekableStream(buffer), CompressionLevel.Fastest, threads: 1);
        const int count = 65_540;
        for (var i = 0; i < count; i++)
        {
            var name = $"{i:D5}.csv";
            await writer.WriteEntryAsync(name, Modified, expected.Track(name, Encoding.UTF8.GetBytes($"{i}\n")), CancellationToken.None);
        }
        await writer.FinishAsync(CancellationToken.None);
        var zip = buffer.ToArray();
        Assert.Equal(0x07064b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(zip.Length - 42))); // locator
        Assert.Equal(ushort.MaxValue, BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(zip.Length - 12)));
        await ZipReaders.AssertAllAcceptAsync(zip, expected, log);
    }

    [Fact]
    public async Task Source_failure_is_reported_and_the_writer_refuses_further_calls()
    {
        var writer = new ZipStreamWriter(new NonSeekableStream(new MemoryStream()), CompressionLevel.Optimal, threads: 2, chunkBytes: 1000);
        var failing = new FailingStream(new PatternStream(10_000), failAfter: 5000);
        var error = await Assert.ThrowsAsync<IOException>(() => writer.WriteEntryAsync("a.csv", Modified, failing, CancellationToken.None));
        Assert.Equal("source broke", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteEntryAsync("b.csv", Modified, new MemoryStream(), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.FinishAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Output_failure_is_reported_not_hidden_behind_a_cancellation(int threads)
    {
        var output = new NonSeekableStream(new MemoryStream(), _ => Task.FromException(new IOException("upload broke")));
        var writer = new ZipStreamWriter(output, CompressionLevel.Optimal, threads, chunkBytes: 1000);
        var error = await Assert.ThrowsAsync<IOException>(() => writer.WriteEntryAsync("a.csv", Modified, new PatternStream(100_000), CancellationToken.None));
        Assert.Equal("upload broke", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Cancellation_stops_the_entry(int threads)
    {
        using var cts = new CancellationTokenSource();
        var gate = new TaskCompletionSource();
        var output = new NonSeekableStream(new MemoryStream(), async ct => await gate.Task.WaitAsync(ct));
        var writer = new ZipStreamWriter(output, CompressionLevel.Optimal, threads, chunkBytes: 1000);
        var write = writer.WriteEntryAsync("a.csv", Modified, new PatternStream(1_000_000), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Slow_output_holds_the_reader_back_to_a_bounded_number_of_chunks(int threads)
    {
        const int chunk = 10_000;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = 0;
        // The local header goes through; then the output blocks until the test opens the gate.
        var output = new NonSeekableStream(new MemoryStream(), async ct => { if (++writes > 1) await gate.Task.WaitAsync(ct); });
        var writer = new ZipStreamWriter(output, CompressionLevel.Fastest, threads, chunk);
        var source = new PatternStream(10_000_000, variety: 50);
        var write = writer.WriteEntryAsync("a.csv", Modified, source, CancellationToken.None);
        await Task.Delay(500);
        // Stalled: at most 2 × threads chunk slots (one being written) plus what DeflateStream holds internally.
        var bound = (2 * threads + 1) * (long)chunk;
        log.WriteLine($"threads {threads}: read {source.BytesRead} bytes while output was blocked (bound {bound})");
        Assert.InRange(source.BytesRead, 1, bound);
        Assert.Equal(source.BytesRead, writer.UncompressedBytes);
        gate.SetResult();
        var info = await write;
        Assert.Equal(10_000_000, info!.Value.UncompressedSize);
    }

    [Fact]
    public async Task Duplicate_or_absolute_names_are_rejected_with_the_name()
    {
        var writer = new ZipStreamWriter(new NonSeekableStream(new MemoryStream()), CompressionLevel.Fastest, threads: 1);
        await writer.WriteEntryAsync("a.csv", Modified, new MemoryStream(), CancellationToken.None);
        var duplicate = await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteEntryAsync("a.csv", Modified, new MemoryStream(), CancellationToken.None));
        Assert.Contains("'a.csv'", duplicate.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteEntryAsync("/etc/a.csv", Modified, new MemoryStream(), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteEntryAsync("dir\\a.csv", Modified, new MemoryStream(), CancellationToken.None));
        // A rejected name does not spoil the archive.
        await writer.WriteEntryAsync("b.csv", Modified, new MemoryStream(), CancellationToken.None);
        await writer.FinishAsync(CancellationToken.None);
    }

    private sealed class FailingStream(Stream inner, long failAfter) : ForwardOnlyReadStream
    {
        private long _read;
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= failAfter) throw new IOException("source broke");
            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAfter - _read)], cancellationToken);
            _read += read;
            return read;
        }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
