using System.Globalization;

namespace S3ZipExport.Settings;

/// <summary>Reading one value of a kind (number, boolean, choice, dot path), with the error that names the setting.</summary>
internal sealed partial class SettingsReader
{
    private int Int(string name, int fallback, int min, int max)
    {
        if (_values.Get(name) is not { } text) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        _errors.Add($"{name}: '{text}' must be a whole number from {min} to {max}");
        return fallback;
    }

    /// <summary>A duration in seconds, decimals allowed (a decimal point, no exponent).</summary>
    private TimeSpan Seconds(string name, double fallback, double min, double max)
    {
        var text = _values.Get(name);
        if (text is null) return TimeSpan.FromSeconds(fallback);
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return TimeSpan.FromSeconds(value);
        _errors.Add($"{name}: '{text}' must be a number of seconds from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return TimeSpan.FromSeconds(fallback);
    }

    private bool Bool(string name, bool fallback)
    {
        if (_values.Get(name) is not { } text) return fallback;
        if (bool.TryParse(text, out var value)) return value;
        _errors.Add($"{name}: '{text}' must be true or false");
        return fallback;
    }

    /// <summary>
    /// One of an enum's names, case-insensitive; <paramref name="names"/> spells them as users write them when that
    /// differs, and <paramref name="allowed"/> says what they mean in the error.
    /// </summary>
    private T Choice<T>(string name, T fallback, IReadOnlyDictionary<string, T>? names = null, string? allowed = null) where T : struct, Enum
    {
        if (_values.Get(name) is not { } text) return fallback;
        if (names is not null)
        {
            if (names.TryGetValue(text.ToLowerInvariant(), out var named)) return named;
        }
        else if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _))
            return value;
        allowed ??= "one of " + string.Join(", ", names?.Keys ?? Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
        _errors.Add($"{name}: '{text}' must be {allowed}");
        return fallback;
    }

    /// <summary>A dot path (<c>data.items</c>; <c>\.</c> is a dot inside a name); null when it has an empty part, which is reported.</summary>
    private IReadOnlyList<string>? DotPath(string name, string text, string example)
    {
        var path = ColumnListParser.PathSegments(text);
        if (path.All(s => s.Length > 0)) return path;
        _errors.Add($"{name}: '{text}' has an empty part; use names joined by dots, e.g. '{example}'");
        return null;
    }

    /// <summary>An absolute http(s) URL for an AWS endpoint override; null when unset.</summary>
    private Uri? Endpoint(string name)
    {
        if (_values.Get(name) is not { } text) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https") return url;
        _errors.Add($"{name}: '{Telemetry.UrlRedaction.RedactInvalid(text)}' is not an http(s) URL");
        return null;
    }
}
