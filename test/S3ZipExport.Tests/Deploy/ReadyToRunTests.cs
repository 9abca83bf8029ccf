using System.Reflection.PortableExecutable;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Deploy;

/// <summary>
/// The package Lambda runs: the function published for the template's architecture, as `dotnet lambda package`
/// (and so `sam build`) publishes it, has its dependencies precompiled (ReadyToRun) for that architecture, and its
/// own assembly left to the JIT (LambdaRuntime.props says why).
/// </summary>
public sealed class ReadyToRunTests : IDisposable
{
    /// <summary>What a ReadyToRun image built for Linux XORs into the PE machine field (crossgen2's TargetOS Linux).</summary>
    private const ushort LinuxMachineOverride = 0x7B79;

    private readonly string _scratch = Directory.CreateTempSubdirectory("r2r-").FullName;

    [Fact]
    public async Task Published_for_the_template_architecture_the_dependencies_are_precompiled_for_it_and_the_function_is_not()
    {
        var architecture = Assert.Single(DeployFiles.Function.Properties["Architectures"]!.AsArray())!.GetValue<string>();
        var (runtime, machine) = architecture switch
        {
            "arm64" => ("linux-arm64", Machine.Arm64),
            "x86_64" => ("linux-x64", Machine.Amd64),
            _ => throw new InvalidDataException($"Unknown architecture {architecture}"),
        };
        var output = Path.Combine(_scratch, "package");
        // Its own artifacts folder: the publish restores for a runtime, which must not touch what the tests' build restored.
        var result = await ChildProcess.RunAsync("dotnet",
            ["publish", DeployFiles.PathOf("src/S3ZipExport/S3ZipExport.csproj"), "-c", "Release", "-r", runtime, "--self-contained", "false",
             "--artifacts-path", Path.Combine(_scratch, "artifacts"), "-o", output, "-nologo"],
            TimeSpan.FromMinutes(5), start =>
            {
                // The test host's own MSBuild settings would point the nested build at this test run's SDK state.
                foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
                    start.Environment.Remove(name);
            });
        Assert.True(result.ExitCode == 0, $"dotnet publish failed ({result.ExitCode}):\n{result.Stdout}\n{result.Stderr}");

        foreach (var dependency in new[] { "AWSSDK.Core.dll", "AWSSDK.S3.dll", "AWSSDK.SimpleSystemsManagement.dll", "Polly.Core.dll", "System.IO.Hashing.dll" })
            Assert.True(PrecompiledFor(Path.Combine(output, dependency)) == machine, $"{dependency} is not ReadyToRun for {runtime}");
        Assert.Null(PrecompiledFor(Path.Combine(output, "S3ZipExport.dll")));
    }

    /// <summary>The machine a ReadyToRun image was compiled for, or null for IL only.</summary>
    private static Machine? PrecompiledFor(string path)
    {
        using var reader = new PEReader(File.OpenRead(path));
        var headers = reader.PEHeaders;
        if (headers.CorHeader is null || headers.CorHeader.ManagedNativeHeaderDirectory.Size == 0) return null;
        return (Machine)((ushort)headers.CoffHeader.Machine ^ LinuxMachineOverride);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
