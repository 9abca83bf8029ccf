using System.Buffers.Binary;

namespace S3ZipExport.Archive;

/// <summary>
/// Byte layout of the ZIP records we write (PKWARE APPNOTE.TXT 6.3.x). Every method fills a span and returns the
/// number of bytes used; nothing here does I/O.
/// </summary>
/// <remarks>
/// <para>The Zip64 scheme, and why. The local header goes out before the entry's size is known and the output
/// cannot seek back, so every entry is written the same way, whatever its size:</para>
/// <list type="bullet">
/// <item>Local header: general purpose bits 3 (sizes follow in a data descriptor) and 11 (UTF-8 name),
/// version needed 4.5, CRC 0, both 32-bit sizes 0xFFFFFFFF, and a Zip64 extra field holding both 8-byte sizes
/// as 0. APPNOTE 4.5.3 says the local Zip64 extra MUST hold both sizes, and its fields "MUST only appear if the
/// corresponding ... field is set to 0xFFFFFFFF"; this is also exactly what CPython's zipfile writes when
/// streaming with force_zip64.</item>
/// <item>Data descriptor: signature, CRC, 8-byte compressed and uncompressed sizes (APPNOTE 4.3.9.2: "ZIP64
/// format MAY be used regardless of the size of a file"; a reader that sees the local Zip64 extra expects
/// 8-byte sizes).</item>
/// <item>Central directory: 32-bit fields hold the real values; a Zip64 extra carries only the values that do
/// not fit (&gt;= 0xFFFFFFFF), in the fixed order of APPNOTE 4.5.3. The Zip64 end record and locator are
/// written only when the entry count, directory size or directory offset does not fit the classic end
/// record (APPNOTE 4.4.1.4).</item>
/// </list>
/// <para>Why the local Zip64 extra on every entry: streaming readers decide the data descriptor's length from the
/// local header alone, because they reach it before the central directory. libarchive (bsdtar) reads 24 bytes
/// when the local header had a Zip64 extra (LA_USED_ZIP64) and 16 otherwise; 7-Zip does the same
/// (CLocalItem.GetDescriptorSize: LocalExtra.IsZip64 ? 24 : 16), though 7-Zip 26 recovers from a mismatch. The
/// alternative that .NET's ZipArchive and Go/Java use on non-seekable output (no local Zip64 signal, 8-byte
/// descriptor only when the entry turned out large) is what dotnet/runtime#127389 calls malformed: such readers
/// misparse every entry after the first large one. Readers that use the central directory (Info-ZIP unzip,
/// Python, Go, .NET) ignore the local sizes when bit 3 is set, so the always-Zip64 local form costs them
/// nothing. The 0xFFFFFFFF (rather than 0) in the local 32-bit size fields matters for 7-Zip before 21.04,
/// which flags a Zip64 extra whose fields are not announced by 0xFFFFFFFF as a header error.</para>
/// </remarks>
internal static class ZipRecords
{
    private const uint LocalFileHeaderSignature = 0x04034b50;
    private const uint DataDescriptorSignature = 0x08074b50;
    private const uint CentralDirectoryHeaderSignature = 0x02014b50;
    private const uint Zip64EndOfCentralDirectorySignature = 0x06064b50;
    private const uint Zip64EndOfCentralDirectoryLocatorSignature = 0x07064b50;
    private const uint EndOfCentralDirectorySignature = 0x06054b50;

    /// <summary>4.5: Zip64 (APPNOTE 4.4.3.2). Also the "made by" version.</summary>
    private const ushort VersionZip64 = 45;
    /// <summary>Upper byte 3 = Unix (APPNOTE 4.4.2.2), so the external attributes below carry a Unix mode.</summary>
    private const ushort VersionMadeBy = (3 << 8) | VersionZip64;
    /// <summary>Bit 3: CRC and sizes in the data descriptor (4.4.4). Bit 11: name is UTF-8 (4.4.4, appendix D).</summary>
    private const ushort GeneralPurposeFlags = (1 << 3) | (1 << 11);
    private const ushort MethodDeflate = 8;
    private const ushort Zip64ExtraId = 0x0001;
    /// <summary>Regular file, mode 0644, in the high 16 bits, as Info-ZIP and Python write it.</summary>
    private const uint UnixRegularFileAttributes = 0x81A4u << 16;

    private const int LocalFileHeaderFixedLength = 30;
    private const int LocalZip64ExtraLength = 4 + 16;
    private const int CentralDirectoryHeaderFixedLength = 46;

    public const int DataDescriptorLength = 24;
    public const int Zip64EndOfCentralDirectoryLength = 56;
    public const int Zip64EndOfCentralDirectoryLocatorLength = 20;
    public const int EndOfCentralDirectoryLength = 22;

    /// <summary>Longest name the 16-bit name length field can carry.</summary>
    public const int MaxNameBytes = ushort.MaxValue;

    public static int LocalFileHeaderLength(int nameLength) => LocalFileHeaderFixedLength + nameLength + LocalZip64ExtraLength;

    public static int WriteLocalFileHeader(Span<byte> destination, ReadOnlySpan<byte> name, DosDateTime modified)
    {
        var w = new LittleEndianWriter(destination);
        w.UInt32(LocalFileHeaderSignature);
        w.UInt16(VersionZip64);
        w.UInt16(GeneralPurposeFlags);
        w.UInt16(MethodDeflate);
        w.UInt16(modified.Time);
        w.UInt16(modified.Date);
        w.UInt32(0);              // CRC-32: in the data descriptor (bit 3)
        w.UInt32(uint.MaxValue);  // compressed size: see the Zip64 extra
        w.UInt32(uint.MaxValue);  // uncompressed size: see the Zip64 extra
        w.UInt16((ushort)name.Length);
        w.UInt16(LocalZip64ExtraLength);
        w.Bytes(name);
        w.UInt16(Zip64ExtraId);
        w.UInt16(16);
        w.UInt64(0);              // original size, unknown yet (bit 3)
        w.UInt64(0);              // compressed size, unknown yet (bit 3)
        return w.Written;
    }

    public static int WriteDataDescriptor(Span<byte> destination, uint crc32, long compressedSize, long uncompressedSize)
    {
        var w = new LittleEndianWriter(destination);
        w.UInt32(DataDescriptorSignature);
        w.UInt32(crc32);
        w.UInt64((ulong)compressedSize);
        w.UInt64((ulong)uncompressedSize);
        return w.Written;
    }

    public static int CentralDirectoryHeaderLength(in CentralDirectoryEntry entry) =>
        CentralDirectoryHeaderFixedLength + entry.Name.Length + CentralZip64ExtraLength(entry);

    public static int WriteCentralDirectoryHeader(Span<byte> destination, in CentralDirectoryEntry entry)
    {
        var uncompressed64 = NeedsZip64(entry.UncompressedSize);
        var compressed64 = NeedsZip64(entry.CompressedSize);
        var offset64 = NeedsZip64(entry.LocalHeaderOffset);
        var extraLength = CentralZip64ExtraLength(entry);

        var w = new LittleEndianWriter(destination);
        w.UInt32(CentralDirectoryHeaderSignature);
        w.UInt16(VersionMadeBy);
        w.UInt16(VersionZip64);   // same as the local header: the data descriptor is in Zip64 form
        w.UInt16(GeneralPurposeFlags);
        w.UInt16(MethodDeflate);
        w.UInt16(entry.Modified.Time);
        w.UInt16(entry.Modified.Date);
        w.UInt32(entry.Crc32);
        w.UInt32(compressed64 ? uint.MaxValue : (uint)entry.CompressedSize);
        w.UInt32(uncompressed64 ? uint.MaxValue : (uint)entry.UncompressedSize);
        w.UInt16((ushort)entry.Name.Length);
        w.UInt16((ushort)extraLength);
        w.UInt16(0);              // comment length
        w.UInt16(0);              // disk number start
        w.UInt16(0);              // internal attributes
        w.UInt32(UnixRegularFileAttributes);
        w.UInt32(offset64 ? uint.MaxValue : (uint)entry.LocalHeaderOffset);
        w.Bytes(entry.Name);
        if (extraLength > 0)
        {
            // APPNOTE 4.5.3: fixed order, and only the fields whose 32-bit counterpart is 0xFFFFFFFF.
            w.UInt16(Zip64ExtraId);
            w.UInt16((ushort)(extraLength - 4));
            if (uncompressed64) w.UInt64((ulong)entry.UncompressedSize);
            if (compressed64) w.UInt64((ulong)entry.CompressedSize);
            if (offset64) w.UInt64((ulong)entry.LocalHeaderOffset);
        }
        return w.Written;
    }

    /// <summary>APPNOTE 4.4.1.4: a value equal to the 32-bit (16-bit) maximum already means "see Zip64".</summary>
    public static bool NeedsZip64(long value) => value >= uint.MaxValue;

    public static bool NeedsZip64EndOfCentralDirectory(long entryCount, long directorySize, long directoryOffset) =>
        entryCount >= ushort.MaxValue || NeedsZip64(directorySize) || NeedsZip64(directoryOffset);

    public static int WriteZip64EndOfCentralDirectory(Span<byte> destination, long entryCount, long directorySize, long directoryOffset)
    {
        var w = new LittleEndianWriter(destination);
        w.UInt32(Zip64EndOfCentralDirectorySignature);
        w.UInt64(Zip64EndOfCentralDirectoryLength - 12); // size of the rest of the record (APPNOTE 4.3.14.1)
        w.UInt16(VersionMadeBy);
        w.UInt16(VersionZip64);
        w.UInt32(0);              // this disk
        w.UInt32(0);              // disk with the central directory
        w.UInt64((ulong)entryCount);
        w.UInt64((ulong)entryCount);
        w.UInt64((ulong)directorySize);
        w.UInt64((ulong)directoryOffset);
        return w.Written;
    }

    public static int WriteZip64EndOfCentralDirectoryLocator(Span<byte> destination, long zip64EndOffset)
    {
        var w = new LittleEndianWriter(destination);
        w.UInt32(Zip64EndOfCentralDirectoryLocatorSignature);
        w.UInt32(0);              // disk with the Zip64 end record
        w.UInt64((ulong)zip64EndOffset);
        w.UInt32(1);              // total number of disks
        return w.Written;
    }

    public static int WriteEndOfCentralDirectory(Span<byte> destination, long entryCount, long directorySize, long directoryOffset)
    {
        // Values that overflow are saturated; the reader then takes them from the Zip64 end record (4.4.1.4).
        var count = (ushort)Math.Min(entryCount, ushort.MaxValue);
        var w = new LittleEndianWriter(destination);
        w.UInt32(EndOfCentralDirectorySignature);
        w.UInt16(0);              // this disk
        w.UInt16(0);              // disk with the central directory
        w.UInt16(count);
        w.UInt16(count);
        w.UInt32(NeedsZip64(directorySize) ? uint.MaxValue : (uint)directorySize);
        w.UInt32(NeedsZip64(directoryOffset) ? uint.MaxValue : (uint)directoryOffset);
        w.UInt16(0);              // comment length
        return w.Written;
    }

    private static int CentralZip64ExtraLength(in CentralDirectoryEntry entry)
    {
        var fields = (NeedsZip64(entry.UncompressedSize) ? 1 : 0)
                   + (NeedsZip64(entry.CompressedSize) ? 1 : 0)
                   + (NeedsZip64(entry.LocalHeaderOffset) ? 1 : 0);
        return fields == 0 ? 0 : 4 + 8 * fields;
    }

    private ref struct LittleEndianWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;
        public int Written { get; private set; }

        public void UInt16(ushort value) { BinaryPrimitives.WriteUInt16LittleEndian(_destination[Written..], value); Written += 2; }
        public void UInt32(uint value) { BinaryPrimitives.WriteUInt32LittleEndian(_destination[Written..], value); Written += 4; }
        public void UInt64(ulong value) { BinaryPrimitives.WriteUInt64LittleEndian(_destination[Written..], value); Written += 8; }
        public void Bytes(ReadOnlySpan<byte> value) { value.CopyTo(_destination[Written..]); Written += value.Length; }
    }
}
