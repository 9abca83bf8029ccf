using System.IO.Pipelines;

namespace S3ZipExport.Export;

/// <summary>
/// One CSV file of an export on its way from the CSV writer to the compressor: its entry name, the pipe it is read
/// from, whether it continues the entry an earlier invocation left open, and whether it ends at this invocation's
/// cut (set before its pipe is completed, so the compressor sees it when it reaches the end).
/// </summary>
internal sealed class CsvFile(string name, PipeReader reader, bool continuesOpenEntry)
{
    private volatile bool _endsAtCut;

    public string Name => name;
    public PipeReader Reader => reader;
    public bool ContinuesOpenEntry => continuesOpenEntry;
    public bool EndsAtCut => _endsAtCut;

    public void MarkEndsAtCut() => _endsAtCut = true;
}
