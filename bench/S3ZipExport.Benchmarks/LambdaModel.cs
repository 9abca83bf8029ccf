using System.Globalization;

namespace S3ZipExport.Benchmarks;

/// <summary>
/// What a Lambda memory size buys, and what it costs. Lambda gives CPU time in proportion to memory: 1,769 MB is one
/// vCPU-second per second (AWS Lambda developer guide, "Configuring function memory"), so a function's share of CPU
/// is memory / 1,769 whatever number of processors it sees. Duration is billed per GB-second, memory counted in
/// GB of 1,024 MB (AWS's pricing examples: "512MB/1024").
/// </summary>
internal static class LambdaModel
{
    /// <summary>The memory that buys one vCPU.</summary>
    public const int MemoryMBPerVcpu = 1769;

    /// <summary>Lambda's memory range.</summary>
    public const int MinMemoryMB = 128, MaxMemoryMB = 10_240;

    /// <summary>The longest run Lambda allows.</summary>
    public const double MaxRunSeconds = 900;

    /// <summary>
    /// Duration price, arm64, US East (N. Virginia), first tier (the first 7.5 billion GB-seconds of a month), in USD per
    /// GB-second. aws.amazon.com/lambda/pricing renders its figures client-side, so it is taken from: AWS News Blog,
    /// "AWS Lambda Functions Powered by AWS Graviton2 Processor" (2021-09-29): Arm duration 20 % below x86's
    /// $0.0000166667; AWS Compute Blog, "Introducing tiered pricing for AWS Lambda" (2022-08): the arm64 first tier
    /// stays at that price; and third-party copies of the pricing table listing $0.0000133334 (cloudchipr.com
    /// "AWS Lambda Pricing Breakdown: Ultimate Guide 2024"; artillery's aws-lambda/prices.js, arm64 1333340e-11).
    /// </summary>
    public const double ArmPricePerGBSecond = 0.0000133334;

    public const string PriceSource =
        "arm64, us-east-1, first tier (first 7.5 billion GB-s a month): $0.0000133334 per GB-second, as checked on 2026-12-03 " +
        "against the AWS News Blog post on Graviton2 Lambda (2021-09-29: Arm duration 20 % below x86's $0.0000166667), the AWS " +
        "Compute Blog post on tiered pricing (2022-08: the arm64 first tier unchanged) and copies of aws.amazon.com/lambda/pricing, " +
        "whose own table is rendered client-side";

    /// <summary>The vCPU share of a memory size: memory / 1,769 (0.58 at 1,024 MB, 1 at 1,769 MB, 5.79 at 10,240 MB).</summary>
    public static double Share(int memoryMB) => (double)memoryMB / MemoryMBPerVcpu;

    /// <summary>Duration cost in USD of <paramref name="seconds"/> at <paramref name="memoryMB"/>.</summary>
    public static double Cost(int memoryMB, double seconds) => memoryMB / 1024.0 * seconds * ArmPricePerGBSecond;

    /// <summary>"1,024" and the like, as the tables print memory sizes.</summary>
    public static string Format(int memoryMB) => memoryMB.ToString("N0", CultureInfo.InvariantCulture);
}
