namespace S3ZipExport.Source;

/// <summary>
/// The source's body, decoded, with the Content-Type the JSON reader checks. Disposing it closes the connection.
/// <see cref="ResumeValidator"/> is what lets a later invocation read on from a byte offset (Range with If-Range): the
/// strong ETag or Last-Modified of a body sent as it is stored (no content coding, whose offsets would not be the
/// stored bytes'), from a server that accepts byte ranges; null when the body cannot be continued that way.
/// </summary>
internal sealed class SourceBody(Stream content, string? contentType, string? resumeValidator) : IAsyncDisposable
{
    public Stream Content => content;
    public string? ContentType => contentType;
    public string? ResumeValidator => resumeValidator;

    public ValueTask DisposeAsync() => content.DisposeAsync();
}
