namespace S3ZipExport.Source;

/// <summary>The source's body, decoded, with the Content-Type the JSON reader checks. Disposing it closes the connection.</summary>
internal sealed class SourceBody(Stream content, string? contentType) : IAsyncDisposable
{
    public Stream Content => content;
    public string? ContentType => contentType;

    public ValueTask DisposeAsync() => content.DisposeAsync();
}
