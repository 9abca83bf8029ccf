using S3ZipExport.Contract;
namespace S3ZipExport.Source;

/// <summary>
/// Where the source's API key comes from and which header carries it. The key itself is never part of
/// <see cref="ToString"/>, so logging the settings cannot leak it.
/// </summary>
internal sealed class SourceApiKey
{
    public const string DefaultHeader = "X-API-Key";

    public static readonly SourceApiKey None = new(DefaultHeader, null, null);

    private SourceApiKey(string header, string? parameterName, string? value)
    {
        Header = header;
        ParameterName = parameterName;
        Value = value;
    }

    public string Header { get; }
    /// <summary>The SSM parameter (SecureString) holding the key; the production way.</summary>
    public string? ParameterName { get; }
    /// <summary>The key given directly (EXPORT_SOURCE_API_KEY), for local runs only.</summary>
    public string? Value { get; }

    public static SourceApiKey FromParameter(string header, string parameterName) => new(header, parameterName, null);
    public static SourceApiKey FromValue(string header, string value) => new(header, null, value);

    /// <summary>An RFC 9110 token: the characters a header name may have.</summary>
    public static bool IsHeaderName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    public override string ToString() =>
        ParameterName is not null ? $"{Header} from SSM parameter {ParameterName}"
        : Value is not null ? $"{Header} from {SettingNames.SourceApiKey} (redacted)"
        : "none";
}
