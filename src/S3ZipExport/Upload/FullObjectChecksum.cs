using System.Buffers.Binary;
using System.IO.Hashing;
using Amazon.S3;
using S3ZipExport.Hashing;

namespace S3ZipExport.Upload;

/// <summary>
/// The checksum the object is uploaded with (EXPORT_CHECKSUM). Every part carries its own, which S3 verifies as it
/// arrives, and CompleteMultipartUpload (or the single PutObject) carries the whole object's as a FULL_OBJECT
/// checksum, which S3 checks against the parts and stores. CRC-64/NVME is S3's own default for new objects; CRC-32 is
/// kept for tools that expect it. Both are managed code (System.IO.Hashing), at several GB/s per core. The whole
/// object's value is combined from the parts' (<see cref="CrcCombination"/>) instead of hashing every byte twice.
/// </summary>
internal enum FullObjectChecksum { Crc64Nvme, Crc32 }

internal static class FullObjectChecksumMath
{
    public static ulong Hash(this FullObjectChecksum algorithm, ReadOnlySpan<byte> bytes) => algorithm switch
    {
        FullObjectChecksum.Crc32 => Crc32.HashToUInt32(bytes),
        _ => Crc64.HashToUInt64(Crc64ParameterSet.Nvme, bytes),
    };

    /// <summary>The checksum of A followed by B.</summary>
    public static ulong Combine(this FullObjectChecksum algorithm, ulong crcA, ulong crcB, long lengthB) =>
        (algorithm == FullObjectChecksum.Crc32 ? CrcCombination.Crc32 : CrcCombination.Crc64Nvme).Combine(crcA, crcB, lengthB);

    /// <summary>The value as S3 writes checksums: base64 of the big-endian bytes.</summary>
    public static string ToS3(this FullObjectChecksum algorithm, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (algorithm == FullObjectChecksum.Crc32)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
            return Convert.ToBase64String(bytes[..4]);
        }
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Convert.ToBase64String(bytes);
    }

    public static ChecksumAlgorithm ToSdk(this FullObjectChecksum algorithm) =>
        algorithm == FullObjectChecksum.Crc32 ? ChecksumAlgorithm.CRC32 : ChecksumAlgorithm.CRC64NVME;

    /// <summary>S3's name for it (x-amz-checksum-crc32, x-amz-checksum-crc64nvme): what the summary reports.</summary>
    public static string S3Name(this FullObjectChecksum algorithm) => algorithm == FullObjectChecksum.Crc32 ? "CRC32" : "CRC64NVME";
}
