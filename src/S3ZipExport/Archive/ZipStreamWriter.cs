using System.Buffers;
using System.IO.Compression;
using System.Text;

namespace S3ZipExport.Archive;

/// <summary>
/// Writes a ZIP archive to a forward-only, non-seekable stream (the multipart upload), deflating each entry on
/// up to <c>threads</c> cores. Entries are written one after another; <see cref="FinishAsync"/> writes the
/// central directory. The record layout and the Zip64 scheme are explained on <see cref="ZipRecords"/>.
/// </summary>
/// <remarks>
/// We write the container ourselves because System.IO.Compression.ZipArchive, on non-seekable output, writes
/// entries above 4 GiB with no Zip64 signal in the local header but an 8-byte data descriptor
/// (dotnet/runtime#127389), and it cannot compress in parallel.
/// <para>Memory: the deflaters' <see cref="EntryDeflater.WorstCaseBytes"/>, plus the central directory kept until
/// <see cref="FinishAsync"/>: name length + ~40 bytes per entry. Nothing grows with entry size.</para>
/// <para>Not thread-safe: one entry at a time. <see cref="BytesWritten"/> and <see cref="UncompressedBytes"/>
/// may be read from any thread for progress. After any failure the archive is incomplete and the writer refuses
/// further calls; the caller aborts the upload.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001",
    Justification = "CountingWriteStream holds nothing to release and must not close the output, which the caller owns.")]
internal sealed class ZipStreamWriter : IArchiveWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly CountingWriteStream _output;
    private readonly EntryDeflater _deflater;
    private readonly List<CentralDirectoryEntry> _entries = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private long _uncompressedBytes;
    private State _state = State.Ready;
    private OpenEntry? _open;   // the entry a cut left open

    private enum State { Ready, Writing, Failed, Finished }

    /// <param name="resume">Where an earlier invocation left the archive (its output is the same object, continued).</param>
    public ZipStreamWriter(Stream output, CompressionLevel level, int threads, int chunkBytes = DeflateBuffers.DefaultChunkBytes, ArchiveState? resume = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite) throw new ArgumentException("The archive output stream must be writable.", nameof(output));
        _deflater = new EntryDeflater(level, threads, chunkBytes);
        _output = new CountingWriteStream(output, resume?.BytesWritten ?? 0);
        foreach (var entry in resume?.Entries ?? [])
        {
            _entries.Add(new CentralDirectoryEntry(StrictUtf8.GetBytes(entry.Name), new DosDateTime(entry.DosTime, entry.DosDate), entry.Crc32,
                entry.CompressedSize, entry.UncompressedSize, entry.LocalHeaderOffset));
            _names.Add(entry.Name);
        }
        _open = resume?.Open;
    }

    /// <summary>Archive bytes written to the output so far.</summary>
    public long BytesWritten => _output.BytesWritten;

    /// <summary>Source bytes consumed so far, over all entries.</summary>
    public long UncompressedBytes => Interlocked.Read(ref _uncompressedBytes);

    Task IArchiveWriter.WriteEntryAsync(string name, DateTimeOffset modified, Stream source, bool continuesOpenEntry, Func<bool> endsAtCut, CancellationToken ct) =>
        WriteEntryAsync(name, modified, source, ct, continuesOpenEntry, endsAtCut);

    /// <summary>
    /// Reads <paramref name="source"/> to its end and writes it as one deflated entry; or, with
    /// <paramref name="continuesOpenEntry"/>, as more data of the entry an earlier invocation left open (its local
    /// header and deflate data so far are already in the output). Null when the entry was left open at a cut.
    /// </summary>
    public async Task<ZipEntryInfo?> WriteEntryAsync(string name, DateTimeOffset modified, Stream source, CancellationToken ct,
        bool continuesOpenEntry = false, Func<bool>? endsAtCut = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (continuesOpenEntry != (_open is not null))
            throw new InvalidOperationException(continuesOpenEntry ? "No entry was left open to continue." : $"Entry '{_open!.Name}' was left open and must be continued first.");
        var nameBytes = continuesOpenEntry ? StrictUtf8.GetBytes(_open!.Name) : EncodeName(name);
        Begin();
        try
        {
            var entry = _open;
            if (entry is null)
            {
                var dosTime = DosDateTime.FromUtc(modified);
                var localHeaderOffset = _output.BytesWritten;
                await WriteRecordAsync(ZipRecords.LocalFileHeaderLength(nameBytes.Length),
                    span => ZipRecords.WriteLocalFileHeader(span, nameBytes, dosTime), ct);
                entry = new OpenEntry(name, dosTime.Time, dosTime.Date, localHeaderOffset, _output.BytesWritten, 0, 0);
            }

            var input = new EntryInput(source, read => Interlocked.Add(ref _uncompressedBytes, read));
            await _deflater.DeflateAsync(input, _output, ct, endsAtCut);
            // The CRC-32 of everything so far, from the part before the cut and this part's (APPNOTE 4.4.7).
            entry = entry with
            {
                Crc32 = (uint)Hashing.CrcCombination.Crc32.Combine(entry.Crc32, input.Crc32, input.Length),
                UncompressedSize = entry.UncompressedSize + input.Length,
            };
            if (endsAtCut?.Invoke() == true)
            {
                _open = entry;
                _state = State.Ready;
                return null;
            }

            var compressedSize = _output.BytesWritten - entry.DataStart;
            await WriteRecordAsync(ZipRecords.DataDescriptorLength,
                span => ZipRecords.WriteDataDescriptor(span, entry.Crc32, compressedSize, entry.UncompressedSize), ct);

            _entries.Add(new CentralDirectoryEntry(nameBytes, new DosDateTime(entry.DosTime, entry.DosDate), entry.Crc32, compressedSize,
                entry.UncompressedSize, entry.LocalHeaderOffset));
            _names.Add(entry.Name);
            _open = null;
            _state = State.Ready;
            return new ZipEntryInfo(entry.Name, entry.UncompressedSize, compressedSize, entry.Crc32);
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    public ArchiveState Suspend()
    {
        if (_state != State.Ready) throw new InvalidOperationException("The archive can be suspended only between writes.");
        return new ArchiveState
        {
            BytesWritten = _output.BytesWritten,
            Entries = _entries.Select(e => new WrittenEntry(StrictUtf8.GetString(e.Name), e.Modified.Time, e.Modified.Date, e.Crc32,
                e.CompressedSize, e.UncompressedSize, e.LocalHeaderOffset)).ToList(),
            Open = _open,
        };
    }

    /// <summary>
    /// Writes the central directory, the Zip64 end record and locator when needed, and the end record, then
    /// flushes. Does not dispose the output: the caller owns it (and completes the upload).
    /// </summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        if (_open is not null) throw new InvalidOperationException($"Entry '{_open.Name}' is still open.");
        Begin();
        try
        {
            var directoryOffset = _output.BytesWritten;
            foreach (var entry in _entries)
            {
                await WriteRecordAsync(ZipRecords.CentralDirectoryHeaderLength(entry),
                    span => ZipRecords.WriteCentralDirectoryHeader(span, entry), ct);
            }
            var directorySize = _output.BytesWritten - directoryOffset;
            var count = _entries.Count;

            if (ZipRecords.NeedsZip64EndOfCentralDirectory(count, directorySize, directoryOffset))
            {
                var zip64EndOffset = _output.BytesWritten;
                await WriteRecordAsync(ZipRecords.Zip64EndOfCentralDirectoryLength,
                    span => ZipRecords.WriteZip64EndOfCentralDirectory(span, count, directorySize, directoryOffset), ct);
                await WriteRecordAsync(ZipRecords.Zip64EndOfCentralDirectoryLocatorLength,
                    span => ZipRecords.WriteZip64EndOfCentralDirectoryLocator(span, zip64EndOffset), ct);
            }
            await WriteRecordAsync(ZipRecords.EndOfCentralDirectoryLength,
                span => ZipRecords.WriteEndOfCentralDirectory(span, count, directorySize, directoryOffset), ct);
            await _output.FlushAsync(ct);
            _state = State.Finished;
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    private void Begin()
    {
        _state = _state switch
        {
            State.Ready => State.Writing,
            State.Writing => throw new InvalidOperationException("Another entry is being written; ZipStreamWriter writes one entry at a time."),
            State.Failed => throw new InvalidOperationException("A previous write failed; the archive is incomplete and must be discarded."),
            _ => throw new InvalidOperationException("The archive is already finished."),
        };
    }

    private byte[] EncodeName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        // APPNOTE 4.4.17.1: relative path, forward slashes, no drive or leading slash.
        if (name[0] == '/' || name.Contains('\\'))
            throw new ArgumentException($"Entry name '{name}' must be a relative path with forward slashes.", nameof(name));
        if (_names.Contains(name))
            throw new ArgumentException($"Entry name '{name}' is already in the archive.", nameof(name));
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(name);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"Entry name '{name}' is not valid Unicode (unpaired surrogate).", nameof(name), e);
        }
        if (bytes.Length > ZipRecords.MaxNameBytes)
            throw new ArgumentException($"Entry name is {bytes.Length} UTF-8 bytes; ZIP allows at most {ZipRecords.MaxNameBytes}.", nameof(name));
        return bytes;
    }

    private delegate int RecordLayout(Span<byte> destination);

    private async Task WriteRecordAsync(int length, RecordLayout layout, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = layout(buffer);
            await _output.WriteAsync(buffer.AsMemory(0, written), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
