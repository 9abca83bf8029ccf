namespace S3ZipExport.Tests.Source;

/// <summary>
/// Everything written to stdout (where JsonLog writes) while it is alive, passed through to the original writer.
/// Console is process-wide: lines from tests running alongside may appear too, which is harmless for a search.
/// </summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _original = Console.Out;
    private readonly StringWriter _copy = new();

    public ConsoleCapture() => Console.SetOut(TextWriter.Synchronized(new TeeWriter(_original, _copy)));

    public string Text { get { lock (_copy) return _copy.ToString(); } }

    public void Dispose() => Console.SetOut(_original);

    private sealed class TeeWriter(TextWriter first, StringWriter second) : TextWriter
    {
        public override System.Text.Encoding Encoding => first.Encoding;
        public override void Write(char value)
        {
            first.Write(value);
            lock (second) second.Write(value);
        }
        public override void Write(string? value)
        {
            first.Write(value);
            lock (second) second.Write(value);
        }
        public override void WriteLine(string? value)
        {
            first.WriteLine(value);
            lock (second) second.WriteLine(value);
        }
    }
}
