using System.Globalization;
using System.IO.Compression;
using S3ZipExport.Archive;
using S3ZipExport.Aws;
using S3ZipExport.Contract;
using S3ZipExport.Export;
using S3ZipExport.Runtime;
using S3ZipExport.Upload;

namespace S3ZipExport.Settings;

/// <summary>
/// Turns the environment (plus a manual invocation's overrides) into an <see cref="ExportPlan"/>: each stage's options,
/// parsed and validated once. Every problem is collected so one message names all the variables to fix. The
/// defaults are the options records' own (Source/SourceOptions, Records/RecordOptions, ...), not restated here.
/// </summary>
internal sealed partial class SettingsReader
{
    // S3 allows parts of 5 MiB to 5 GiB; above 512 MiB the buffers no longer fit any Lambda size with headroom.
    private const int MinPartSizeMiB = 5, MaxPartSizeMiB = 512;

    private readonly SettingValues _values;
    private readonly InvocationEvent _invocation;
    private readonly bool _bucketRequired;
    private readonly List<string> _errors = [];

    private SettingsReader(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation, bool bucketRequired)
    {
        _values = new SettingValues(environment, invocation);
        _invocation = invocation;
        _bucketRequired = bucketRequired;
    }

    public static ExportPlan Read(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation) =>
        new SettingsReader(environment, invocation, bucketRequired: true).Read();

    /// <summary>
    /// The same plan, validated the same way, for a run that reads the source and uploads nothing (the local
    /// invoker's --discover and --preview): EXPORT_BUCKET may be unset, and the plan's bucket is then empty.
    /// </summary>
    public static ExportPlan ReadWithoutUpload(IReadOnlyDictionary<string, string?> environment, InvocationEvent invocation) =>
        new SettingsReader(environment, invocation, bucketRequired: false).Read();

    private ExportPlan Read()
    {
        var memoryMB = int.TryParse(_values.Environment.GetValueOrDefault(SettingNames.LambdaMemorySize), NumberStyles.None, CultureInfo.InvariantCulture, out var mb) && mb > 0 ? mb : (int?)null;
        var records = ReadRecords();
        var source = ReadSource(records.RecordsPath);
        var csv = ReadCsvFormat(records.Columns);
        var archive = ReadArchive(memoryMB);
        records = records with { ParseThreads = Int(SettingNames.ParseThreads, CpuShare.ParseThreads(memoryMB, archive.Level), 1, CpuShare.MaxParseThreads) };
        var upload = ReadUpload(archive);
        var run = ReadRun(upload.Key);
        var aws = ReadAws();
        var memory = MemoryBudget.Plan(upload.PartBytes, upload.Concurrency, archive.Threads, records.ParseThreads, memoryMB, _errors);

        if (_errors.Count > 0)
            throw new SettingsException("Invalid settings:\n- " + string.Join("\n- ", _errors));

        return new ExportPlan
        {
            Run = run,
            Source = source,
            Records = records with { MaxRecordBytes = memory.MaxRecordBytes },
            Csv = csv,
            Archive = archive,
            Upload = upload with { MaxPartBytes = memory.MaxPartBytes },
            Aws = aws,
            Memory = memory,
        };
    }

    private RunOptions ReadRun(string key)
    {
        var statePrefix = _values.Get(SettingNames.StatePrefix);
        if (statePrefix is not null && (!statePrefix.EndsWith('/') || statePrefix.StartsWith('/') || statePrefix.Contains('\\')))
            _errors.Add($"{SettingNames.StatePrefix}: '{statePrefix}' must be a key prefix ending with '/' and not starting with it, e.g. 'exports-state/'");
        else if (statePrefix is not null && key.StartsWith(statePrefix, StringComparison.Ordinal))
            _errors.Add($"{SettingNames.Key}: '{key}' lies under {SettingNames.StatePrefix} '{statePrefix}', where the state of long exports is kept; put the exports elsewhere");
        if (_invocation.Slice is not null && statePrefix is null)
            _errors.Add($"{SettingNames.StatePrefix}: required when the state machine drives the export (its state is kept there between invocations)");
        return new RunOptions
        {
            EventId = _invocation.Id,
            Time = _invocation.Time,
            // Above the 10 s minimum margin (Export/Deadline).
            Timeout = _values.Get(SettingNames.TimeoutSeconds) is null ? null : TimeSpan.FromSeconds(Int(SettingNames.TimeoutSeconds, 900, 11, 86_400)),
            ProgressInterval = TimeSpan.FromSeconds(Int(SettingNames.ProgressSeconds, RunOptions.DefaultProgressSeconds, 0, 3600)),
            Slice = _invocation.Slice,
            StatePrefix = statePrefix,
            SliceEvery = _values.Get(SettingNames.SliceSeconds) is null ? null : Seconds(SettingNames.SliceSeconds, 600, 0.1, 86_400),
            MaxInvocations = Int(SettingNames.MaxInvocations, RunOptions.DefaultMaxInvocations, 1, 10_000),
        };
    }

    private static readonly Dictionary<string, CompressionLevel> Levels = new()
    {
        ["optimal"] = CompressionLevel.Optimal,
        ["fastest"] = CompressionLevel.Fastest,
        ["smallest"] = CompressionLevel.SmallestSize,
        ["none"] = CompressionLevel.NoCompression,
    };

    private static readonly Dictionary<string, FullObjectChecksum> Checksums = new()
    {
        ["crc64nvme"] = FullObjectChecksum.Crc64Nvme,
        ["crc32"] = FullObjectChecksum.Crc32,
    };

    /// <summary>The setting's value for a checksum, as EXPORT_CHECKSUM takes it (for the start line).</summary>
    public static string ValueOf(FullObjectChecksum checksum) => Checksums.First(p => p.Value == checksum).Key;

    private ArchiveOptions ReadArchive(int? memoryMB)
    {
        var defaults = new ArchiveOptions();
        var entryName = _values.Get(SettingNames.EntryName) ?? defaults.EntryName;
        if (entryName.Contains('\\') || entryName.StartsWith('/') || entryName.Split('/').Contains(".."))
            _errors.Add($"{SettingNames.EntryName}: '{entryName}' must be a relative path with '/' separators and no '..'");
        var format = Choice(SettingNames.Format, defaults.Format);
        // Excel opens at most 1,048,576 rows, the header included: 1048575 keeps every file openable.
        var maxRows = Int(SettingNames.MaxRowsPerFile, (int)defaults.MaxRowsPerFile, 0, int.MaxValue);
        var entryPerSource = Bool(SettingNames.EntryPerSource, defaults.EntryPerSource);
        if (format == ArchiveFormat.Gzip && (maxRows > 0 || entryPerSource))
            _errors.Add($"{SettingNames.Format}: gzip holds a single file; {SettingNames.MaxRowsPerFile} and {SettingNames.EntryPerSource} need {SettingNames.Format}=zip");
        return new ArchiveOptions
        {
            Format = format,
            Level = Choice(SettingNames.CompressionLevel, defaults.Level, Levels),
            Threads = Int(SettingNames.CompressionThreads, CpuShare.CompressionThreads(memoryMB), 1, CpuShare.MaxCompressionThreads),
            EntryName = entryName,
            MaxRowsPerFile = maxRows,
            EntryPerSource = entryPerSource,
            Modified = _invocation.Time,
        };
    }

    private UploadOptions ReadUpload(ArchiveOptions archive)
    {
        var bucket = _values.Get(SettingNames.Bucket);
        if (bucket is null && _bucketRequired) _errors.Add($"{SettingNames.Bucket}: required, the name of the target S3 bucket");

        var keyTemplate = _values.Get(SettingNames.Key) ?? ObjectKeyTemplate.Default;
        var keyProblem = ObjectKeyTemplate.Validate(keyTemplate);
        if (keyProblem is not null) _errors.Add($"{SettingNames.Key}: '{keyTemplate}' {keyProblem}");
        var key = keyProblem is null ? ObjectKeyTemplate.Render(keyTemplate, _invocation.Time, _invocation.Id) : "";
        if (keyProblem is null && (key.StartsWith('/') || System.Text.Encoding.UTF8.GetByteCount(key) > 1024))
            _errors.Add($"{SettingNames.Key}: rendered key '{key}' must not start with '/' and must be at most 1024 bytes");

        var sse = _values.Get(SettingNames.ServerSideEncryption);
        if (sse is not (null or "AES256" or "aws:kms"))
            _errors.Add($"{SettingNames.ServerSideEncryption}: '{sse}' must be AES256 or aws:kms (or unset for the bucket's default encryption)");
        var kmsKey = _values.Get(SettingNames.SseKmsKeyId);
        if (kmsKey is not null && sse != "aws:kms")
            _errors.Add($"{SettingNames.SseKmsKeyId}: a KMS key needs {SettingNames.ServerSideEncryption}=aws:kms");

        return new UploadOptions
        {
            Bucket = bucket ?? "",
            Key = key,
            ContentType = archive.ContentType,
            PartBytes = Int(SettingNames.PartSizeMiB, UploadOptions.DefaultPartSizeMiB, MinPartSizeMiB, MaxPartSizeMiB) * PartSizeSchedule.MiB,
            Concurrency = Int(SettingNames.UploadConcurrency, UploadOptions.DefaultConcurrency, 1, 64),
            ServerSideEncryption = sse,
            SseKmsKeyId = kmsKey,
            IfExists = Choice(SettingNames.IfExists, UploadOptions.DefaultIfExists),
            Checksum = Choice(SettingNames.Checksum, UploadOptions.DefaultChecksum, Checksums),
        };
    }

    /// <summary>Region and credentials as the AWS SDKs name them; the endpoint overrides are environment only.</summary>
    private AwsOptions ReadAws()
    {
        var env = _values.Environment;
        string? Env(string name) => env.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;
        Amazon.Runtime.AWSCredentials? credentials = null;
        if (Env("AWS_ACCESS_KEY_ID") is { } accessKey && Env("AWS_SECRET_ACCESS_KEY") is { } secretKey)
            credentials = Env("AWS_SESSION_TOKEN") is { } token
                ? new Amazon.Runtime.SessionAWSCredentials(accessKey, secretKey, token)
                : new Amazon.Runtime.BasicAWSCredentials(accessKey, secretKey);
        return new AwsOptions
        {
            Region = Env("AWS_REGION") ?? Env("AWS_DEFAULT_REGION") ?? new AwsOptions().Region,
            S3Endpoint = Endpoint(SettingNames.S3Endpoint),
            SsmEndpoint = Endpoint(SettingNames.SsmEndpoint),
            Credentials = credentials,
        };
    }
}
