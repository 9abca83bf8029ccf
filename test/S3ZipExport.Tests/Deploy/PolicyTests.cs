using System.Text.Json.Nodes;

namespace S3ZipExport.Tests.Deploy;

/// <summary>The function may do exactly what MultipartUploadStream does, under the export prefix, and nothing wider.</summary>
public class PolicyTests
{
    /// <summary>Every statement with the condition it is granted under (null: always).</summary>
    private static IReadOnlyList<(string? Condition, JsonNode Statement)> ConditionalStatements =>
        DeployFiles.Function.Properties["Policies"]!.AsArray()
            .Select(policy => Assert.IsType<JsonObject>(policy))   // inline documents only: no managed or SAM template policies
            .Select(policy => policy["Fn::If"] is JsonArray branches
                ? (Condition: branches[0]!.GetValue<string>(), Policy: Assert.IsType<JsonObject>(branches[1]))
                : (Condition: (string?)null, Policy: policy))
            .SelectMany(p => p.Policy["Statement"]!.AsArray().Select(s => (p.Condition, s!)))
            .ToList();

    private static IReadOnlyList<JsonNode> Statements => ConditionalStatements.Select(s => s.Statement).ToList();

    private static IReadOnlyList<string> ActionsUnder(string? condition) =>
        ConditionalStatements.Where(s => s.Condition == condition && s.Statement["Effect"]!.GetValue<string>() == "Allow")
            .SelectMany(s => Strings(s.Statement["Action"])).Order().ToList();

    private static IReadOnlyList<string> Strings(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(x => x is JsonValue v ? v.GetValue<string>() : x!.ToJsonString()).ToList(),
        JsonValue v => [v.GetValue<string>()],
        null => [],
        _ => [node.ToJsonString()],
    };

    [Fact]
    public void No_statement_grants_every_action_or_every_S3_action()
    {
        Assert.All(Statements, s => Assert.DoesNotContain(Strings(s["Action"]), a => a is "*" or "s3:*" || a.StartsWith("s3:*", StringComparison.OrdinalIgnoreCase)));
        Assert.All(Statements, s => Assert.Null(s["NotAction"]));
    }

    [Fact]
    public void No_S3_statement_applies_to_every_resource()
    {
        var s3 = Statements.Where(s => Strings(s["Action"]).Any(a => a.StartsWith("s3:", StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.NotEmpty(s3);
        Assert.All(s3, s =>
        {
            Assert.Null(s["NotResource"]);
            Assert.DoesNotContain("*", Strings(s["Resource"]));
        });
    }

    [Fact]
    public void Function_may_write_and_abort_multipart_uploads_under_the_export_prefix_only()
    {
        // CreateMultipartUpload, UploadPart and CompleteMultipartUpload are authorized by s3:PutObject;
        // AbortMultipartUpload by s3:AbortMultipartUpload. Nothing else is called.
        Assert.Equal(["s3:AbortMultipartUpload", "s3:PutObject"], ActionsUnder(null));
        var allowed = Statements.Where(s => s["Effect"]!.GetValue<string>() == "Allow").ToList();

        var statement = Assert.Single(allowed, s => Strings(s["Action"]).Contains("s3:PutObject"));
        var resource = statement["Resource"]!["Fn::Sub"]!.AsArray()[0]!.GetValue<string>();
        Assert.Equal("arn:${AWS::Partition}:s3:::${BucketName}/${ExportPrefix}*", resource);
    }

    [Fact]
    public void Export_prefix_parameter_cannot_widen_the_grant_to_the_whole_bucket()
    {
        var prefix = DeployFiles.Parameters["ExportPrefix"]!;
        Assert.Equal("exports/", prefix["Default"]!.GetValue<string>());
        var pattern = new System.Text.RegularExpressions.Regex(prefix["AllowedPattern"]!.GetValue<string>());
        Assert.Matches(pattern, "exports/");
        Assert.Matches(pattern, "team/daily/");
        Assert.DoesNotMatch(pattern, "");
        Assert.DoesNotMatch(pattern, "/");
        Assert.DoesNotMatch(pattern, "exports");
    }

    [Fact]
    public void Reading_and_listing_under_the_prefix_are_granted_only_when_EXPORT_IF_EXISTS_must_look()
    {
        Assert.Equal(["s3:GetObject", "s3:ListBucket"], ActionsUnder("ChecksExisting"));
        var list = ConditionalStatements.Single(s => Strings(s.Statement["Action"]).Contains("s3:ListBucket")).Statement;
        Assert.Equal("${ExportPrefix}*", list["Condition"]!["StringLike"]!["s3:prefix"]!["Fn::Sub"]!.GetValue<string>());
    }

    [Fact]
    public void KMS_use_is_granted_only_with_a_key_and_only_on_that_key()
    {
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], ActionsUnder("HasKmsKey"));
        var kms = ConditionalStatements.Single(s => s.Condition == "HasKmsKey").Statement;
        Assert.Equal("KmsKeyArn", kms["Resource"]!["Ref"]!.GetValue<string>());
    }

    [Fact]
    public void The_source_API_key_parameter_is_readable_only_when_named_and_only_that_parameter()
    {
        Assert.Equal(["ssm:GetParameter"], ActionsUnder("HasApiKeyParameter"));
        var ssm = ConditionalStatements.Single(s => s.Condition == "HasApiKeyParameter").Statement;
        Assert.EndsWith(":parameter${SourceApiKeyParameter}", ssm["Resource"]!["Fn::Sub"]!.GetValue<string>());
    }
}
