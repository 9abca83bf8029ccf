using S3ZipExport.Archive;

namespace S3ZipExport.Tests.Archive;

public sealed class DosDateTimeTests
{
    [Fact]
    public void Time_is_stored_in_UTC_with_two_second_resolution()
    {
        var dos = DosDateTime.FromUtc(new DateTimeOffset(2024, 5, 6, 16, 8, 11, TimeSpan.FromHours(9))); // 07:08:11Z
        Assert.Equal((7 << 11) | (8 << 5) | 5, dos.Time);
        Assert.Equal(((2024 - 1980) << 9) | (5 << 5) | 6, dos.Date);
    }

    [Fact]
    public void Dates_before_1980_are_clamped_to_1980_01_01()
    {
        var dos = DosDateTime.FromUtc(DateTimeOffset.UnixEpoch);
        Assert.Equal(0, dos.Time);
        Assert.Equal((1 << 5) | 1, dos.Date);
    }

    [Fact]
    public void Dates_after_2107_are_clamped_to_the_last_DOS_second()
    {
        var dos = DosDateTime.FromUtc(new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal((127 << 9) | (12 << 5) | 31, dos.Date);
        Assert.Equal((23 << 11) | (59 << 5) | 29, dos.Time);
    }
}
