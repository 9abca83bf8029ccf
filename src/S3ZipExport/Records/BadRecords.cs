using S3ZipExport.Telemetry;

namespace S3ZipExport.Records;

/// <summary>
/// What EXPORT_ON_BAD_RECORD decides for a record that cannot be a row (not an object, or a value a column formatter
/// cannot take): fail the export with the record's problem, or leave the record out, count it, and log it (the first
/// <see cref="LoggedOneByOne"/>; the count covers the rest). One per export, shared by every document's reader.
/// </summary>
internal sealed class BadRecords(OnBadRecord policy)
{
    private const int LoggedOneByOne = 100;

    public long Skipped { get; private set; }

    public bool SkipsThem => policy == OnBadRecord.Skip;

    /// <summary>Throws the problem under <see cref="OnBadRecord.Fail"/>; else counts and logs the skip.</summary>
    public void Handle(BadRecordException problem)
    {
        if (!SkipsThem) throw problem;
        Skipped++;
        if (Skipped <= LoggedOneByOne)
            JsonLog.Warning("record skipped", new Dictionary<string, object?> { ["record"] = problem.Index + 1, ["problem"] = problem.Message });
    }
}
