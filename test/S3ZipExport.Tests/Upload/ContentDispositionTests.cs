using S3ZipExport.Upload;

namespace S3ZipExport.Tests.Upload;

public class ContentDispositionTests
{
    [Fact]
    public void ASCII_file_name_is_quoted_as_it_is() =>
        Assert.Equal("attachment; filename=\"events-20261125.zip\"", ContentDisposition.Attachment("events-20261125.zip"));

    [Fact]
    public void Japanese_file_name_goes_in_filename_star_with_an_ASCII_stand_in() =>
        Assert.Equal("attachment; filename=\"____-1.zip\"; filename*=UTF-8''%E5%8B%89%E5%BC%B7%E4%BC%9A%E4%B8%80-1.zip",
            ContentDisposition.Attachment("勉強会一-1.zip"));

    [Fact]
    public void Quotes_in_a_file_name_cannot_break_out_of_the_header_value() =>
        Assert.DoesNotContain("\"x\"", ContentDisposition.Attachment("a\"x\".zip").Split(';')[1]);
}
