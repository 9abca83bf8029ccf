using System.Buffers.Binary;
using System.IO.Hashing;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>A checksum as S3 writes it (base64 of the big-endian value), computed here from the bytes: neither the function's code nor moto's.</summary>
internal static class S3Checksums
{
    /// <param name="algorithm">CRC32 or CRC64NVME, as S3 names them.</param>
    public static string Of(string algorithm, ReadOnlySpan<byte> bytes)
    {
        Span<byte> value = stackalloc byte[8];
        if (algorithm == "CRC32")
        {
            BinaryPrimitives.WriteUInt32BigEndian(value, Crc32.HashToUInt32(bytes));
            return Convert.ToBase64String(value[..4]);
        }
        BinaryPrimitives.WriteUInt64BigEndian(value, Crc64.HashToUInt64(Crc64ParameterSet.Nvme, bytes));
        return Convert.ToBase64String(value);
    }
}
