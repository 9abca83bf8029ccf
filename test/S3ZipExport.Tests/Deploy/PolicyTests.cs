using System.Text.Json.Nodes;

namespace S3ZipExport.Tests.Deploy;

/// <summary>
/// The function may do exactly what its upload does, under the export prefix, and what an export of several invocations
/// does with its state, under the state prefix, and nothing wider.
/// </summary>
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

    /// <summary>Each action granted under a condition, as "action on resource", with " where s3:prefix is P" when limited so.</summary>
    private static IReadOnlyList<string> GrantsUnder(string? condition) =>
        ConditionalStatements.Where(s => s.Condition == condition && s.Statement["Effect"]!.GetValue<string>() == "Allow")
            .SelectMany(s => Strings(s.Statement["Action"]).Select(action => $"{action} on {ResourceOf(s.Statement)}{PrefixLimitOf(s.Statement)}"))
            .Order(StringComparer.Ordinal).ToList();

    private static string ResourceOf(JsonNode statement) => statement["Resource"] switch
    {
        JsonObject { } o when o["Fn::Sub"] is JsonArray sub => sub[0]!.GetValue<string>(),
        JsonObject { } o when o["Fn::Sub"] is JsonValue sub => sub.GetValue<string>(),
        JsonObject { } o when o["Ref"] is JsonValue reference => "!Ref " + reference.GetValue<string>(),
        var other => other!.ToJsonString(),
    };

    private static string PrefixLimitOf(JsonNode statement) =>
        statement["Condition"]?["StringLike"]?["s3:prefix"]?["Fn::Sub"] is JsonValue prefix ? " where s3:prefix is " + prefix.GetValue<string>() : "";

    private const string Bucket = "arn:${AWS::Partition}:s3:::${BucketName}";
    private const string UnderExportPrefix = Bucket + "/${ExportPrefix}*";
    private const string UnderStatePrefix = Bucket + "/${StatePrefix}*";

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
    public void Function_may_write_abort_and_list_the_parts_of_uploads_under_the_export_prefix_and_keep_state_under_the_state_prefix()
    {
        Assert.Equal(
        [
            // The upload: CreateMultipartUpload, UploadPart, CompleteMultipartUpload and PutObject are authorized by
            // s3:PutObject, AbortMultipartUpload by s3:AbortMultipartUpload. (A resume needs no ListParts: the state keeps the parts.)
            $"s3:AbortMultipartUpload on {UnderExportPrefix}",
            // An export of several invocations: its state and tail objects are read, written and deleted.
            $"s3:DeleteObject on {UnderStatePrefix}",
            $"s3:GetObject on {UnderStatePrefix}",
            // A missing state object is then a 404, not a 403, and the abort lists the export's folder (its upload
            // records); listing is limited to the state prefix.
            $"s3:ListBucket on {Bucket} where s3:prefix is ${{StatePrefix}}*",
            $"s3:PutObject on {UnderExportPrefix}",
            $"s3:PutObject on {UnderStatePrefix}",
        ], GrantsUnder(null));
    }

    [Fact]
    public void Every_S3_grant_is_on_the_export_bucket()
    {
        var bucketNames = Statements.Where(s => Strings(s["Action"]).Any(a => a.StartsWith("s3:", StringComparison.Ordinal)))
            .Select(s => s["Resource"]!["Fn::Sub"]!.AsArray()[1]!["BucketName"]!.ToJsonString()).Distinct().ToList();
        var bucketName = Assert.Single(bucketNames);
        Assert.Equal(DeployFiles.Function.Properties["Environment"]!["Variables"]!["EXPORT_BUCKET"]!.ToJsonString(), bucketName);
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
        Assert.Equal([$"s3:GetObject on {UnderExportPrefix}", $"s3:ListBucket on {Bucket} where s3:prefix is ${{ExportPrefix}}*"],
            GrantsUnder("ChecksExisting"));
    }

    [Fact]
    public void State_prefix_parameter_cannot_widen_the_grant_to_the_whole_bucket_nor_be_the_export_prefix()
    {
        var prefix = DeployFiles.Parameters["StatePrefix"]!;
        Assert.Equal("exports-state/", prefix["Default"]!.GetValue<string>());
        Assert.Equal(DeployFiles.Parameters["ExportPrefix"]!["AllowedPattern"]!.GetValue<string>(), prefix["AllowedPattern"]!.GetValue<string>());

        // The defaults are apart: neither starts with the other.
        var exports = DeployFiles.Parameters["ExportPrefix"]!["Default"]!.GetValue<string>();
        Assert.False(exports.StartsWith(prefix["Default"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.False(prefix["Default"]!.GetValue<string>().StartsWith(exports, StringComparison.Ordinal));

        // A deploy that gives the same prefix twice is refused before anything is created.
        var assertion = Assert.Single(Assert.Single(DeployFiles.Template["Rules"]!.AsObject()).Value!["Assertions"]!.AsArray())!;
        var equals = assertion["Assert"]!["Fn::Not"]![0]!["Fn::Equals"]!.AsArray().Select(r => r!["Ref"]!.GetValue<string>()).Order();
        Assert.Equal(["ExportPrefix", "StatePrefix"], equals);
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
