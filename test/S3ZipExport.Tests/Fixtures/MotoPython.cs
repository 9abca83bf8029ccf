using S3ZipExport.LocalServices;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>
/// The Python whose moto carries the Step Functions interpreter (moto 5.2's LocalStack parser, with antlr4 and
/// jsonpath_ng) and boto3, found as every other Python tool of the tests is (<see cref="PythonInterpreter"/>).
/// </summary>
internal static class MotoPython
{
    private static PythonLookup Found => PythonInterpreter.Find("moto.stepfunctions.parser", "boto3", "antlr4", "jsonpath_ng");

    /// <summary>The interpreter's path, or null when no candidate has moto's Step Functions interpreter.</summary>
    public static string? Path => Found.Path;

    /// <summary>Why <see cref="Path"/> is null: each candidate and what it lacked.</summary>
    public static string MissingReason => Found.Missing ?? "";
}

/// <summary>A fact that needs <see cref="MotoPython"/>: reported as skipped, with the reason, where there is none.</summary>
public sealed class MotoFactAttribute : FactAttribute
{
    public MotoFactAttribute()
    {
        if (MotoPython.Path is null) Skip = MotoPython.MissingReason;
    }
}

/// <summary>A theory that needs <see cref="MotoPython"/>: reported as skipped, with the reason, where there is none.</summary>
public sealed class MotoTheoryAttribute : TheoryAttribute
{
    public MotoTheoryAttribute()
    {
        if (MotoPython.Path is null) Skip = MotoPython.MissingReason;
    }
}

/// <summary>
/// A fact of the "LocalS3" collection that also runs a state machine (<see cref="MotoPython"/>): skipped, with the
/// reason, where either moto_server or moto's Step Functions interpreter is missing.
/// </summary>
public sealed class LocalS3MotoFactAttribute : FactAttribute
{
    public LocalS3MotoFactAttribute()
    {
        Skip = LocalS3Fixture.Unavailable ?? (MotoPython.Path is null ? MotoPython.MissingReason : null);
    }
}
