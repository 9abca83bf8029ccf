using System.Globalization;
using System.IO.Compression;
using S3ZipExport.Source;

namespace S3ZipExport.Settings;

/// <summary>Reading one value of a kind (number, boolean, choice), with the error that names the setting.</summary>
internal static partial class SettingsReader
{
    private static int ParseInt(string name, string? text, int fallback, int min, int max, List<string> errors)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Add($"{name}: '{text}' must be a whole number from {min} to {max}");
        return fallback;
    }

    private static bool ParseBool(string name, string? text, bool fallback, List<string> errors)
    {
        if (text is null) return fallback;
        if (bool.TryParse(text, out var value)) return value;
        errors.Add($"{name}: '{text}' must be true or false");
        return fallback;
    }

    private static T ParseChoice<T>(string name, string? text, T fallback, List<string> errors) where T : struct, Enum
    {
        if (text is null) return fallback;
        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _)) return value;
        errors.Add($"{name}: '{text}' must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
        return fallback;
    }

    private static CompressionLevel ParseLevel(string? text, List<string> errors)
    {
        switch (text?.ToLowerInvariant())
        {
            case null or "optimal": return CompressionLevel.Optimal;
            case "fastest": return CompressionLevel.Fastest;
            case "smallest": return CompressionLevel.SmallestSize;
            case "none": return CompressionLevel.NoCompression;
            default:
                errors.Add($"{SettingNames.CompressionLevel}: '{text}' must be one of optimal, fastest, smallest, none");
                return CompressionLevel.Optimal;
        }
    }
}
