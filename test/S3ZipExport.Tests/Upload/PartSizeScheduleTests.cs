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
        Assert.Equal(expectedMiB * MiB, new PartSizeSchedule(8 * MiB, PartSizeSchedule.MaxPartBytes).SizeOf(part));

    [Theory]
    [InlineData(1, 8)]
    [InlineData(3001, 64)]
    [InlineData(4001, 72)]
    [InlineData(10000, 72)]
    public void Parts_stop_growing_at_the_largest_size_the_memory_allows(int part, long expectedMiB) =>
        Assert.Equal(expectedMiB * MiB, new PartSizeSchedule(8 * MiB, 72 * MiB).SizeOf(part));

    [Fact]
    public void Capacity_is_the_sum_of_all_ten_thousand_parts()
    {
        // 8 GiB of 8 MiB parts, then 16, 32, ... 512 MiB, and 3,000 parts of 1 GiB: about 4 TiB, not 8.
        var capacity = new PartSizeSchedule(8 * MiB, PartSizeSchedule.MaxPartBytes).Capacity;
        Assert.Equal(1000 * (8 + 16 + 32 + 64 + 128 + 256 + 512) * MiB + 3000 * 1024 * MiB, capacity);
        Assert.InRange(capacity / (1024.0 * 1024 * MiB), 3.85, 4.0);
    }

    [Fact]
    public void Ten_thousand_parts_from_the_smallest_base_hold_more_than_one_TiB() =>
        Assert.True(new PartSizeSchedule(5 * MiB, PartSizeSchedule.MaxPartBytes).Capacity > 1024L * 1024 * MiB);

    [Fact]
    public void Part_numbers_outside_S3s_range_are_refused()
    {
        var schedule = new PartSizeSchedule(8 * MiB, PartSizeSchedule.MaxPartBytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.SizeOf(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.SizeOf(10_001));
    }
}
