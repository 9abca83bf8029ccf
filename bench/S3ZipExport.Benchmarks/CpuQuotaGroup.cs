using System.Diagnostics;
using System.Globalization;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// A cgroup-v1 CPU group of its own for one export child, with a CFS quota of share × period: the CPU Lambda gives
/// a memory size (<see cref="LambdaModel.Share"/>), on the exporter only (the demo source and s3rver stay outside).
/// The child joins the group before its first instruction: it is started through <c>sh</c>, which writes its own
/// pid to the group's cgroup.procs and then execs dotnet, so every thread the runtime creates is born inside.
/// Disposing removes the group (once the child has exited). Needs root and the v1 <c>cpu</c> controller; where the
/// machine lacks either, <see cref="TryCreate"/> returns null with the reason, and the caller runs unconstrained
/// and labels it so.
/// </summary>
internal sealed class CpuQuotaGroup : IDisposable
{
    /// <summary>The CFS period: the kernel's default, 100 ms.</summary>
    public const int PeriodMicroseconds = 100_000;

    private static int _sequence;

    private CpuQuotaGroup(string path, double share)
    {
        Path = path;
        Share = share;
    }

    public string Path { get; }
    public double Share { get; }
    public long QuotaMicroseconds => QuotaFor(Share);

    public static long QuotaFor(double share) => Math.Max(1000, (long)Math.Round(share * PeriodMicroseconds));

    /// <summary>Where this process's group in the v1 cpu hierarchy is, or why a quota cannot be set here.</summary>
    private static (string? Parent, string Problem) Probe()
    {
        if (!OperatingSystem.IsLinux()) return (null, "not Linux");
        if (Environment.UserName != "root") return (null, $"not root (user {Environment.UserName}); cgroups need root");
        // mountinfo: "... <mount point> <options> - <fs type> <source> <super options>"; the v1 cpu controller is a
        // cgroup (not cgroup2) mount whose super options include "cpu" (alone or as in "cpu,cpuacct").
        string? mount = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var halves = line.Split(" - ", 2);
            if (halves.Length < 2) continue;
            var after = halves[1].Split(' ');
            if (after[0] == "cgroup" && after.Length >= 3 && after[2].Split(',').Contains("cpu")) mount = halves[0].Split(' ')[4];
        }
        if (mount is null)
            return (null, File.ReadAllText("/proc/self/mountinfo").Contains(" - cgroup2 ")
                ? "only cgroup v2 is mounted (no v1 cpu controller)"
                : "no cgroup v1 cpu controller is mounted");
        // /proc/self/cgroup: "<id>:<controllers>:<path>"; ours in the cpu hierarchy is where our group is made.
        var own = Current();
        var parent = System.IO.Path.Join(mount, own.Length == 0 ? "/" : own);
        if (!File.Exists(System.IO.Path.Join(parent, "cpu.cfs_quota_us"))) return (null, $"{parent} has no cpu.cfs_quota_us");
        return (parent, "");
    }

    private static readonly Lazy<(string? Parent, string Problem)> Support = new(() =>
    {
        var support = Probe();
        if (support.Parent is not null) RemoveStale(support.Parent);
        return support;
    });

    /// <summary>Null when quotas can be set here, else why not.</summary>
    public static string? Unavailable => Support.Value.Parent is null ? Support.Value.Problem : null;

    /// <summary>A group with the quota for <paramref name="share"/> vCPUs, or null and why not (<paramref name="problem"/>).</summary>
    public static CpuQuotaGroup? TryCreate(double share, out string problem)
    {
        (var parent, problem) = Support.Value;
        if (parent is null) return null;
        try
        {
            return Create(parent, share);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"the cgroup could not be made under {parent}: {e.Message}";
            return null;
        }
    }

    private const string Prefix = "s3zipexport-bench-";

    /// <summary>Removes groups left by a benchmark that was killed (its pid is gone and the group is empty).</summary>
    private static void RemoveStale(string parent)
    {
        foreach (var group in Directory.EnumerateDirectories(parent, Prefix + "*"))
        {
            var pid = System.IO.Path.GetFileName(group)[Prefix.Length..].Split('-')[0];
            if (Directory.Exists($"/proc/{pid}")) continue;
            try { Directory.Delete(group); }
            catch (IOException) { }   // not empty: something still runs in it; leave it
        }
    }

    private static CpuQuotaGroup Create(string parent, double share)
    {
        var path = System.IO.Path.Join(parent,
            string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Interlocked.Increment(ref _sequence)}"));
        Directory.CreateDirectory(path);
        var group = new CpuQuotaGroup(path, share);
        try
        {
            group.Write("cpu.cfs_period_us", PeriodMicroseconds);
            group.Write("cpu.cfs_quota_us", group.QuotaMicroseconds);
            return group;
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <paramref name="start"/> (file name and arguments) rewritten to start through <c>sh</c>, which puts itself in
    /// this group and then becomes the program: the same pid, already in the group when the program starts.
    /// </summary>
    public void Wrap(ProcessStartInfo start)
    {
        var arguments = start.ArgumentList.ToArray();
        var program = start.FileName;
        start.FileName = "/bin/sh";
        start.ArgumentList.Clear();
        foreach (var arg in new[] { "-c", "echo $$ > \"$0\" && exec \"$@\"", System.IO.Path.Join(Path, "cgroup.procs"), program }.Concat(arguments))
            start.ArgumentList.Add(arg);
    }

    /// <summary>This process's group in the v1 cpu hierarchy, as /proc/self/cgroup names it ("/" at the root; "" without one).</summary>
    public static string Current() =>
        OperatingSystem.IsLinux()
            ? File.ReadLines("/proc/self/cgroup").Select(l => l.Split(':', 3))
                .FirstOrDefault(p => p.Length == 3 && p[1].Split(',').Contains("cpu"))?[2] ?? ""
            : "";

    /// <summary>The group's cpu.stat as "throttled 120/130 periods, 9.8 s".</summary>
    public string Throttling()
    {
        var stat = File.ReadLines(System.IO.Path.Join(Path, "cpu.stat")).Select(l => l.Split(' ')).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        return string.Create(CultureInfo.InvariantCulture,
            $"throttled {stat.GetValueOrDefault("nr_throttled")}/{stat.GetValueOrDefault("nr_periods")} periods, {stat.GetValueOrDefault("throttled_time") / 1e9:F1} s");
    }

    private void Write(string file, long value) =>
        File.WriteAllText(System.IO.Path.Join(Path, file), value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Removes the group. A group can only be removed once empty; a child just killed may take a moment to leave.</summary>
    public void Dispose()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(Path);   // rmdir: a cgroup directory's files are not real and need not be deleted
                return;
            }
            catch (DirectoryNotFoundException) { return; }
            catch (IOException) when (attempt < 50) { Thread.Sleep(100); }
        }
    }
}
