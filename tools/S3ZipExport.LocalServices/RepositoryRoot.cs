namespace S3ZipExport.LocalServices;

/// <summary>The checkout's root: the nearest folder, upwards, holding the package.json that pins s3rver.</summary>
public static class RepositoryRoot
{
    /// <summary>Searches up from this assembly's folder (a build output inside the checkout), then from the working directory.</summary>
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "S3ZipExport.slnx")))
                    return dir.FullName;
        }
        throw new DirectoryNotFoundException(
            $"No folder above {AppContext.BaseDirectory} or {Environment.CurrentDirectory} holds package.json and S3ZipExport.slnx; run from a checkout of the repository.");
    }
}
