using S3ZipExport.Upload;

namespace S3ZipExport.Tests.Upload;

public class PartSizeScheduleTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(1, 8)]
    [InlineData(1000, 8)]
    [InlineData(1001, 16)]
    [InlineData(2000, 16)]
    [InlineData(2001, 32)]
    [InlineData(8001, 1024)]
    [InlineData(10000, 1024)]
    public void Part_size_doubles_every_thousand_parts_up_to_one_GiB(int part, long expectedMiB) =>
        Assert.Equal(expectedMiB * MiB, PartSizeSchedule.SizeOf(part, 8 * MiB));

    [Fact]
    public void Ten_thousand_parts_from_the_smallest_base_hold_more_than_one_TiB() =>
        Assert.True(PartSizeSchedule.Capacity(5 * MiB) > 1024L * 1024 * MiB);

    [Fact]
    public void Part_numbers_outside_S3s_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PartSizeSchedule.SizeOf(0, 8 * MiB));
        Assert.Throws<ArgumentOutOfRangeException>(() => PartSizeSchedule.SizeOf(10_001, 8 * MiB));
    }
}
