using System.Text;

namespace S3ZipExport.LocalInvoke;

/// <summary>A TextWriter, installed as Console.Out, that hands each complete line the function logs to a callback.</summary>
internal sealed class LogLineWriter(Action<string> onLine) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write([value]);

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            while (!buffer.IsEmpty)
            {
                var newline = buffer.IndexOf('\n');
                if (newline < 0)
                {
                    _line.Append(buffer);
                    return;
                }
                _line.Append(buffer[..newline]);
                buffer = buffer[(newline + 1)..];
                var line = _line.ToString().TrimEnd('\r');
                _line.Clear();
                onLine(line);
            }
        }
    }

    public override void Flush()
    {
        lock (_gate)
        {
            if (_line.Length == 0) return;
            var line = _line.ToString();
            _line.Clear();
            onLine(line);
        }
    }
}
