namespace S3ZipExport.Hashing;

/// <summary>
/// The CRC of two concatenated pieces from the CRCs of each and the second one's length, for the reflected CRCs S3
/// uses (CRC-32 and CRC-64/NVME; both start from all ones and end xor all ones), so the whole object's checksum is
/// computed from its parts' checksums instead of hashing every byte a second time. System.IO.Hashing has no such
/// function, hence this port of zlib's crc32_combine (multiplication modulo the polynomial in GF(2), with
/// x^(2^k) precomputed), generalised to 64 bits.
/// </summary>
internal sealed class CrcCombination
{
    public static CrcCombination Crc32 { get; } = new(width: 32, reflectedPolynomial: 0xEDB88320UL);
    public static CrcCombination Crc64Nvme { get; } = new(width: 64, reflectedPolynomial: 0x9A6C9329AC4BC9B5UL);

    private readonly ulong _polynomial;
    private readonly ulong _topBit;          // x^0 in the reflected representation
    private readonly ulong _mask;
    private readonly ulong[] _powers = new ulong[64];   // _powers[k] = x^(2^k) mod p

    private CrcCombination(int width, ulong reflectedPolynomial)
    {
        _polynomial = reflectedPolynomial;
        _topBit = 1UL << (width - 1);
        _mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        var power = _topBit >> 1;   // x^1
        for (var k = 0; k < _powers.Length; k++)
        {
            _powers[k] = power;
            power = Multiply(power, power);
        }
    }

    /// <summary>CRC(A followed by B), given CRC(A), CRC(B) and B's length in bytes.</summary>
    public ulong Combine(ulong crcA, ulong crcB, long lengthB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lengthB);
        return (Multiply(XToThe8Times(lengthB), crcA) ^ crcB) & _mask;
    }

    /// <summary>x^(8n) mod p: shifting a CRC past n zero bytes.</summary>
    private ulong XToThe8Times(long bytes)
    {
        var result = _topBit;   // x^0
        var k = 3;              // 8n = n × 2^3
        for (var n = (ulong)bytes; n != 0; n >>= 1, k++)
            if ((n & 1) != 0) result = Multiply(_powers[k % 64], result);
        return result;
    }

    /// <summary>a(x) × b(x) mod p(x), both reflected.</summary>
    private ulong Multiply(ulong a, ulong b)
    {
        ulong product = 0;
        for (var bit = _topBit; bit != 0; bit >>= 1)
        {
            if ((a & bit) != 0) product ^= b;
            b = (b & 1) != 0 ? (b >> 1) ^ _polynomial : b >> 1;
        }
        return product;
    }
}
