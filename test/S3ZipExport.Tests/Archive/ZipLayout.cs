using System.Buffers.Binary;
using System.Text;

namespace S3ZipExport.Tests.Archive;

/// <summary>
/// Reads the records of a ZIP file as they are laid out (APPNOTE 4.3), independently of the writer: the central
/// directory through the (Zip64) end record, and an entry's local header and data descriptor. For the tests that check
/// which values went into Zip64 fields, beside the readers that check the archive as a whole.
/// </summary>
internal static class ZipLayout
{
    /// <summary>A central directory record: its 32-bit fields as written, and the values of its Zip64 extra field in order.</summary>
    public sealed record CentralEntry(string Name, uint Crc32, uint Compressed32, uint Uncompressed32, uint Offset32, ulong[] Zip64Values);

    /// <summary>An entry's local header's Zip64 extra values, and its data descriptor's CRC and 8-byte sizes.</summary>
    public sealed record LocalEntry(ulong[] Zip64Values, uint DescriptorCrc32, ulong DescriptorCompressed, ulong DescriptorUncompressed);

    /// <summary>Finds the central directory through the (Zip64) end record and returns its entries.</summary>
    public static List<CentralEntry> ReadCentralDirectory(string path)
    {
        using var file = File.OpenRead(path);
        var tail = new byte[Math.Min(file.Length, 1 << 16)];
        file.Seek(-tail.Length, SeekOrigin.End);
        file.ReadExactly(tail);
        var eocd = tail.AsSpan(tail.Length - 22);
        Assert.Equal(0x06054b50u, BinaryPrimitives.ReadUInt32LittleEndian(eocd));
        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(eocd[16..]);
        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(eocd[12..]);
        if (cdOffset == uint.MaxValue)
        {
            var locator = tail.AsSpan(tail.Length - 22 - 20);
            Assert.Equal(0x07064b50u, BinaryPrimitives.ReadUInt32LittleEndian(locator));
            var zip64EndOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]);
            var zip64End = new byte[56];
            file.Seek(zip64EndOffset, SeekOrigin.Begin);
            file.ReadExactly(zip64End);
            Assert.Equal(0x06064b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip64End));
            cdSize = (long)BinaryPrimitives.ReadUInt64LittleEndian(zip64End.AsSpan(40));
            cdOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(zip64End.AsSpan(48));
        }
        var cd = new byte[cdSize];
        file.Seek(cdOffset, SeekOrigin.Begin);
        file.ReadExactly(cd);

        var entries = new List<CentralEntry>();
        for (var p = cd.AsSpan(); !p.IsEmpty;)
        {
            Assert.Equal(0x02014b50u, BinaryPrimitives.ReadUInt32LittleEndian(p));
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(p[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(p[30..]);
            entries.Add(new CentralEntry(Encoding.UTF8.GetString(p.Slice(46, nameLength)), BinaryPrimitives.ReadUInt32LittleEndian(p[16..]),
                BinaryPrimitives.ReadUInt32LittleEndian(p[20..]), BinaryPrimitives.ReadUInt32LittleEndian(p[24..]),
                BinaryPrimitives.ReadUInt32LittleEndian(p[42..]), Zip64Values(p.Slice(46 + nameLength, extraLength))));
            p = p[(46 + nameLength + extraLength)..];
        }
        return entries;
    }

    /// <summary>
    /// The local header at <paramref name="offset"/> and the data descriptor that follows its
    /// <paramref name="compressedSize"/> bytes of data (with its signature, in the Zip64 form: 8-byte sizes).
    /// </summary>
    public static LocalEntry ReadLocalEntry(string path, long offset, long compressedSize)
    {
        using var file = File.OpenRead(path);
        var header = new byte[30];
        file.Seek(offset, SeekOrigin.Begin);
        file.ReadExactly(header);
        Assert.Equal(0x04034b50u, BinaryPrimitives.ReadUInt32LittleEndian(header));
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26));
        var extra = new byte[BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28))];
        file.Seek(nameLength, SeekOrigin.Current);
        file.ReadExactly(extra);

        var descriptor = new byte[24];
        file.Seek(compressedSize, SeekOrigin.Current);
        file.ReadExactly(descriptor);
        Assert.Equal(0x08074b50u, BinaryPrimitives.ReadUInt32LittleEndian(descriptor));
        return new LocalEntry(Zip64Values(extra), BinaryPrimitives.ReadUInt32LittleEndian(descriptor.AsSpan(4)),
            BinaryPrimitives.ReadUInt64LittleEndian(descriptor.AsSpan(8)), BinaryPrimitives.ReadUInt64LittleEndian(descriptor.AsSpan(16)));
    }

    /// <summary>The values of a Zip64 extra field (id 1), the only extra field the writer puts in; none when there is none.</summary>
    private static ulong[] Zip64Values(ReadOnlySpan<byte> extra)
    {
        if (extra.IsEmpty) return [];
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(extra));
        Assert.Equal(extra.Length - 4, BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]));
        var values = new ulong[(extra.Length - 4) / 8];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadUInt64LittleEndian(extra[(4 + 8 * i)..]);
        return values;
    }
}
