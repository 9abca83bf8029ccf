using System.Diagnostics;
using S3ZipExport.Contract;

namespace S3ZipExport.Telemetry;

/// <summary>
/// The end-of-export metrics as one CloudWatch Embedded Metric Format line (namespace S3ZipExport, dimension
/// FunctionName), so dashboards and alarms need no extra code or agent.
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
/// </summary>
internal static class EmbeddedMetrics
{
    public const string Namespace = "S3ZipExport";

    public static Dictionary<string, object?> For(ExportSummary summary, string functionName)
    {
        var values = new (string Name, string Unit, double Value)[]
        {
            ("Records", "Count", summary.Records),
            ("SkippedRecords", "Count", summary.SkippedRecords),
            ("CsvBytes", "Bytes", summary.CsvBytes),
            ("ZipBytes", "Bytes", summary.ZipBytes),
            ("Parts", "Count", summary.Parts),
            ("DurationMs", "Milliseconds", Math.Round(summary.ElapsedSeconds * 1000)),
            // On Linux this is VmHWM, the peak resident set: what the Lambda memory size must cover.
            ("PeakMemoryMB", "Megabytes", Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1)),
        };
        var line = new Dictionary<string, object?>
        {
            ["_aws"] = new Dictionary<string, object?>
            {
                ["Timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["CloudWatchMetrics"] = new[]
                {
                    new Dictionary<string, object?>
                    {
                        ["Namespace"] = Namespace,
                        ["Dimensions"] = new[] { new[] { "FunctionName" } },
                        ["Metrics"] = values.Select(v => new Dictionary<string, string> { ["Name"] = v.Name, ["Unit"] = v.Unit }).ToArray(),
                    },
                },
            },
            ["FunctionName"] = functionName,
        };
        foreach (var (name, _, value) in values) line[name] = value;
        return line;
    }
}
