using System.Globalization;
using System.Text.Json;

namespace S3ZipExport.LocalInvoke;

/// <summary>
/// Shows the function's log lines to a person on stderr: "export progress" lines as one line updated in place on a
/// terminal (plain lines when stderr is redirected), every other line as it is.
/// </summary>
internal sealed class ProgressDisplay
{
    private readonly TextWriter _err = Console.Error;
    private readonly bool _inPlace = !Console.IsErrorRedirected;
    private int _shownWidth;     // characters of the progress line currently on screen; 0 when none

    public void OnLogLine(string line)
    {
        if (TryFormatProgress(line) is { } progress)
        {
            if (_inPlace)
            {
                _err.Write("\r" + progress.PadRight(_shownWidth));
                _shownWidth = progress.Length;
            }
            else _err.WriteLine(progress);
            return;
        }
        EndProgressLine();
        _err.WriteLine(line);
    }

    /// <summary>Moves below an in-place progress line, so what follows starts on a line of its own.</summary>
    public void EndProgressLine()
    {
        if (_shownWidth == 0) return;
        _err.WriteLine();
        _shownWidth = 0;
    }

    private static string? TryFormatProgress(string line)
    {
        if (!line.Contains("\"export progress\"", StringComparison.Ordinal)) return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.GetProperty("message").GetString() != "export progress") return null;
            double Number(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
            var seconds = Number("elapsedSeconds");
            var inRate = seconds > 0 ? Number("sourceMB") / seconds : 0;
            return string.Create(CultureInfo.InvariantCulture,
                $"{seconds,6:0.0} s | {Number("records"),10:N0} records | in {Number("sourceMB"),8:0.0} MB | " +
                $"CSV {Number("csvMB"),8:0.0} MB | ZIP {Number("zipMB"),7:0.0} MB | {Number("parts"),3:0} parts | " +
                $"{inRate,6:0.0} MB/s in, {Number("csvMBps"),6:0.0} MB/s CSV");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
