using System.Text.Json.Nodes;

namespace S3ZipExport.Tests.Deploy;

/// <summary>The bucket the stack creates (unless ExistingBucketName names one) is private, encrypted, TLS-only and cleans up.</summary>
public class BucketTests
{
    private static readonly KeyValuePair<string, JsonNode?> Bucket = Assert.Single(DeployFiles.ResourcesOfType("AWS::S3::Bucket"));
    private static JsonNode Properties => Bucket.Value!["Properties"]!;

    [Fact]
    public void Bucket_is_created_only_when_no_existing_bucket_is_named()
    {
        Assert.Equal("", DeployFiles.Parameters["ExistingBucketName"]!["Default"]!.GetValue<string>());
        var condition = Bucket.Value!["Condition"]!.GetValue<string>();
        var equals = DeployFiles.Template["Conditions"]![condition]!["Fn::Equals"]!.AsArray();
        Assert.Equal("ExistingBucketName", equals[0]!["Ref"]!.GetValue<string>());
        Assert.Equal("", equals[1]!.GetValue<string>());
        Assert.Equal(condition, Assert.Single(DeployFiles.ResourcesOfType("AWS::S3::BucketPolicy")).Value!["Condition"]!.GetValue<string>());
    }

    [Fact]
    public void Incomplete_multipart_uploads_are_aborted_after_one_day_across_the_bucket()
    {
        var rules = Properties["LifecycleConfiguration"]!["Rules"]!.AsArray();
        Assert.Contains(rules, rule =>
            rule!["Status"]!.GetValue<string>() == "Enabled"
            && rule["AbortIncompleteMultipartUpload"]?["DaysAfterInitiation"]?.GetValue<string>() == "1"
            && rule["Prefix"] is null && rule["Filter"] is null);
    }

    [Fact]
    public void Objects_expire_only_under_the_state_prefix_and_only_after_the_longest_execution()
    {
        var rules = Properties["LifecycleConfiguration"]!["Rules"]!.AsArray();
        var expiring = Assert.Single(rules, rule => rule!.AsObject().Any(p => p.Key.StartsWith("Expiration", StringComparison.Ordinal)
            || p.Key.StartsWith("NoncurrentVersionExpiration", StringComparison.Ordinal)))!;
        Assert.Equal("Enabled", expiring["Status"]!.GetValue<string>());
        Assert.Equal("StatePrefix", expiring["Prefix"]!["Ref"]!.GetValue<string>());
        Assert.Null(expiring["Filter"]);

        // State is rewritten at every cut; what an execution leaves behind must outlive any execution still running.
        var days = int.Parse(expiring["ExpirationInDays"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(7, days);
        Assert.True(TimeSpan.FromDays(days) > TimeSpan.FromSeconds(DeployFiles.Definition["TimeoutSeconds"]!.GetValue<int>()));
    }

    [Fact]
    public void Public_access_is_blocked_in_all_four_ways_and_ACLs_are_disabled()
    {
        var block = Properties["PublicAccessBlockConfiguration"]!.AsObject();
        Assert.Equal(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], block.Select(p => p.Key).Order());
        Assert.All(block, setting => Assert.Equal("true", setting.Value!.GetValue<string>()));
        Assert.Equal("BucketOwnerEnforced", Assert.Single(Properties["OwnershipControls"]!["Rules"]!.AsArray())!["ObjectOwnership"]!.GetValue<string>());
    }

    [Fact]
    public void Objects_are_encrypted_by_default()
    {
        var rule = Assert.Single(Properties["BucketEncryption"]!["ServerSideEncryptionConfiguration"]!.AsArray());
        Assert.Contains(rule!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.GetValue<string>(), (string[])["AES256", "aws:kms", "aws:kms:dsse"]);
    }

    [Fact]
    public void Bucket_policy_denies_every_request_not_made_over_TLS()
    {
        var policy = Assert.Single(DeployFiles.ResourcesOfType("AWS::S3::BucketPolicy")).Value!["Properties"]!;
        Assert.Equal(Bucket.Key, policy["Bucket"]!["Ref"]!.GetValue<string>());
        var statements = policy["PolicyDocument"]!["Statement"]!.AsArray();
        var deny = Assert.Single(statements, s => s!["Condition"]?["Bool"]?["aws:SecureTransport"] is not null)!;
        Assert.Equal("Deny", deny["Effect"]!.GetValue<string>());
        Assert.Equal("false", deny["Condition"]!["Bool"]!["aws:SecureTransport"]!.GetValue<string>());
        Assert.Equal("*", deny["Principal"]!.GetValue<string>());
        Assert.Equal("s3:*", deny["Action"]!.GetValue<string>());
        // Both the bucket and its objects: a deny on objects alone leaves listing and bucket calls over plain HTTP.
        var resources = deny["Resource"]!.AsArray().Select(r => r!.ToJsonString()).ToList();
        Assert.Contains(resources, r => r.Contains("\"Fn::GetAtt\"") && r.Contains(Bucket.Key));
        Assert.Contains(resources, r => r.Contains("/*"));
    }

    [Fact]
    public void Bucket_outlives_the_stack()
    {
        Assert.Equal("Retain", Bucket.Value!["DeletionPolicy"]!.GetValue<string>());
        Assert.Equal("Retain", Bucket.Value!["UpdateReplacePolicy"]!.GetValue<string>());
    }
}
