using S3ZipExport.Upload;

namespace S3ZipExport.Tests.Upload;

/// <summary>The whole object's checksum combined from its parts' is the checksum of the whole, for both algorithms.</summary>
public class CrcCombinationTests
{
    [Theory]
    [InlineData("Crc32")]
    [InlineData("Crc64Nvme")]
    public void Combining_the_parts_checksums_gives_the_checksum_of_the_whole(string name)
    {
        var algorithm = Enum.Parse<FullObjectChecksum>(name);
        var random = new Random(20261203);
        var data = new byte[300_000];
        random.NextBytes(data);
        var whole = algorithm.Hash(data);
        foreach (var cuts in new[] { new[] { 0 }, [1], [299_999], [150_000], [5, 6, 70_000, 299_000], [0, 0, 100, 100] })
        {
            ulong combined = algorithm.Hash([]);
            var start = 0;
            foreach (var end in cuts.Append(data.Length))
            {
                var part = data.AsSpan(start, end - start);
                combined = start == 0 && end == cuts[0] ? algorithm.Hash(part) : algorithm.Combine(combined, algorithm.Hash(part), part.Length);
                start = end;
            }
            Assert.Equal(whole, combined);
        }
    }

    [Fact]
    public void CRC_64_NVME_is_the_NVMe_polynomial_by_its_check_value() =>
        // The catalogue check value of CRC-64/NVME over "123456789".
        Assert.Equal(0xAE8B14860A799888UL, FullObjectChecksum.Crc64Nvme.Hash("123456789"u8));

    [Fact]
    public void Values_are_written_as_S3_writes_them()
    {
        Assert.Equal("y/Q5Jg==", FullObjectChecksum.Crc32.ToS3(FullObjectChecksum.Crc32.Hash("123456789"u8)));
        Assert.Equal(Convert.ToBase64String([0xAE, 0x8B, 0x14, 0x86, 0x0A, 0x79, 0x98, 0x88]), FullObjectChecksum.Crc64Nvme.ToS3(0xAE8B14860A799888UL));
    }
}
