using S3ZipExport.Contract;
using S3ZipExport.Records;

namespace S3ZipExport.Settings;

/// <summary>Where the records are, which columns they become, and what a bad record does.</summary>
internal sealed partial class SettingsReader
{
    private RecordOptions ReadRecords()
    {
        var pathText = _values.IsSetButEmpty(SettingNames.RecordsPath) ? "" : _values.Get(SettingNames.RecordsPath) ?? RecordOptions.DefaultRecordsPath;
        var path = pathText.Length == 0 ? [] : DotPath(SettingNames.RecordsPath, pathText, "data.items") ?? [];
        return new RecordOptions
        {
            RecordsPath = path,
            Columns = ColumnListParser.Parse(_values.Get(SettingNames.Columns) ?? RecordOptions.DefaultColumns, _errors),
            OnBadRecord = Choice(SettingNames.OnBadRecord, RecordOptions.DefaultOnBadRecord),
        };
    }
}
