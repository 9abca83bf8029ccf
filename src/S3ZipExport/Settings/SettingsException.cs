namespace S3ZipExport.Settings;

/// <summary>One or more settings are missing or invalid; the message names each variable and what is wrong.</summary>
public sealed class SettingsException(string message) : Exception(message);
