using S3ZipExport.Contract;

namespace S3ZipExport.Settings;

/// <summary>
/// The raw text of each setting for one invocation: a manual payload's override wins over the environment, except
/// for the settings that belong to the deployer (<see cref="SettingNames.EnvironmentOnly"/>, which the payload
/// parser already refused). Blank counts as unset, except where "set but empty" means something (an empty records
/// path: the document is the array).
/// </summary>
internal sealed class SettingValues(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation)
{
    public IReadOnlyDictionary<string, string?> Environment => environment;

    /// <summary>The value as given, untrimmed; null when neither the payload nor the environment sets it.</summary>
    public string? Raw(string name) =>
        invocation.Overrides.TryGetValue(name, out var value) ? value : environment.GetValueOrDefault(name);

    /// <summary>The value trimmed; null when unset or blank.</summary>
    public string? Get(string name) => Raw(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public bool IsSetButEmpty(string name) => Raw(name) is { } value && string.IsNullOrWhiteSpace(value);

    /// <summary>Whether the manual payload, not the environment, gave this setting.</summary>
    public bool FromPayload(string name) => invocation.Overrides.ContainsKey(name);

    /// <summary>The environment's own value, trimmed; null when unset or blank.</summary>
    public string? FromEnvironment(string name) =>
        environment.GetValueOrDefault(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
