using AuthzWebhook.Policy;

namespace AuthzWebhook.Tests.Policy;

/// <summary>
/// The policy is plain YAML: tags, anchors, aliases and merge keys are refused, each at its file, line and column with
/// what to write instead. A tagged key is a different key to the loader than the plain one (so <c>!!str resourceNames</c>
/// used to be dropped, widening the rule to every name), and every one of these makes the file read differently to the
/// loader, to other YAML tools and to a reviewer. Line numbers count from the first line of each YAML literal.
/// </summary>
public sealed class PlainYamlTests
{
    private const string Source = "test.yaml";

    private const string ValidPolicy = """
        apiVersion: authzwebhook/v1
        templates:
          - name: pod-debug
            scope: namespaced
            namespaces: ["payments"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: [""]
                resources: ["pods"]
                resourceNames: ["api-0"]
                verbs: ["get"]
            approval:
              approverGroups: ["oidc:sre-leads"]
              requireMfa: true
        """;

    [Fact]
    public void The_base_policy_of_these_tests_is_valid()
    {
        var template = Assert.Single(PolicyLoader.Parse(ValidPolicy, Source).TemplateList);

        Assert.Equal(["api-0"], Assert.Single(template.Rules).ResourceNames);
        Assert.True(template.Approval.RequireMfa);
    }

    [Theory]
    [InlineData("resourceNames: [\"api-0\"]", "!!str resourceNames: [\"api-0\"]", 11, 9, "templates[0].rules[0].resourceNames", "'!!str'")]
    [InlineData("requireMfa: true", "! requireMfa: true", 15, 7, "templates[0].approval.requireMfa", "'!'")]
    [InlineData("verbs: [\"get\"]", "!custom verbs: [\"get\"]", 12, 9, "templates[0].rules[0].verbs", "'!custom'")]
    [InlineData("scope: namespaced", "!<tag:yaml.org,2002:str> scope: namespaced", 4, 5, "templates[0].scope", "'!!str'")]
    public void A_tagged_key_is_refused_at_its_place(string plain, string tagged, int line, int column, string field, string tag)
    {
        var error = Assert.Single(ErrorsOf(ValidPolicy.Replace(plain, tagged, StringComparison.Ordinal)));

        Assert.StartsWith($"{Source}:{line}:{column}: {field}: tag {tag} ", error, StringComparison.Ordinal);
        Assert.Contains("write the key without the tag", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_refusal_names_the_place_the_tag_and_what_to_write_instead()
    {
        var error = Assert.Single(ErrorsOf(ValidPolicy.Replace("resourceNames:", "!!str resourceNames:", StringComparison.Ordinal)));

        Assert.Equal(
            "test.yaml:11:9: templates[0].rules[0].resourceNames: tag '!!str' is refused: the policy is plain YAML and reads every key by its text; write the key without the tag",
            error);
    }

    [Theory]
    [InlineData("requireMfa: true", "requireMfa: !!bool true", 15, 19, "templates[0].approval.requireMfa", "'!!bool'")]
    [InlineData("maxDuration: PT1H", "maxDuration: !!str PT1H", 6, 18, "templates[0].maxDuration", "'!!str'")]
    [InlineData("namespaces: [\"payments\"]", "namespaces: !!seq [\"payments\"]", 5, 17, "templates[0].namespaces", "'!!seq'")]
    [InlineData("approverGroups: [\"oidc:sre-leads\"]", "approverGroups: [! \"oidc:sre-leads\"]", 14, 24, "templates[0].approval.approverGroups[0]", "'!'")]
    [InlineData("  - name: pod-debug", "  - !template\n    name: pod-debug", 3, 5, "templates[0]", "'!template'")]
    public void A_tagged_value_is_refused_at_its_place(string plain, string tagged, int line, int column, string field, string tag)
    {
        var error = Assert.Single(ErrorsOf(ValidPolicy.Replace(plain, tagged, StringComparison.Ordinal)));

        Assert.StartsWith($"{Source}:{line}:{column}: {field}: tag {tag} ", error, StringComparison.Ordinal);
        Assert.Contains("write the value without the tag", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tag_on_the_whole_document_is_refused()
    {
        var error = Assert.Single(ErrorsOf("--- !!map\n" + ValidPolicy));

        Assert.StartsWith($"{Source}:1:5: (root): tag '!!map' ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tag_named_through_a_tag_directive_is_refused()
    {
        var error = Assert.Single(ErrorsOf("%TAG !e! tag:example.com,2026:\n---\n" + ValidPolicy.Replace("requireMfa: true", "requireMfa: !e!flag true", StringComparison.Ordinal)));

        Assert.StartsWith($"{Source}:17:19: templates[0].approval.requireMfa: tag '!<tag:example.com,2026:flag>' ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_anchor_is_refused_at_its_place()
    {
        var error = Assert.Single(ErrorsOf(ValidPolicy.Replace("eligibleGroups: [", "eligibleGroups: &sre [", StringComparison.Ordinal)));

        Assert.StartsWith($"{Source}:7:21: templates[0].eligibleGroups: anchor '&sre' ", error, StringComparison.Ordinal);
        Assert.Contains("write the value out in full", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_is_refused_at_its_place_as_well_as_its_anchor()
    {
        var yaml = ValidPolicy
            .Replace("eligibleGroups: [\"oidc:sre\"]", "eligibleGroups: &sre [\"oidc:sre\"]", StringComparison.Ordinal)
            .Replace("approverGroups: [\"oidc:sre-leads\"]", "approverGroups: *sre", StringComparison.Ordinal);

        var errors = ErrorsOf(yaml);

        Assert.Equal(2, errors.Count);
        Assert.StartsWith($"{Source}:7:21: templates[0].eligibleGroups: anchor '&sre' ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"{Source}:14:23: templates[0].approval.approverGroups: alias '*sre' ", errors[1], StringComparison.Ordinal);
        Assert.Contains("write the value of '&sre' out in full here", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_merge_key_is_refused_at_its_place()
    {
        var yaml = ValidPolicy.Replace("      - apiGroups: [\"\"]", "      - <<: {apiGroups: [\"\"]}", StringComparison.Ordinal);

        var error = Assert.Single(ErrorsOf(yaml));

        Assert.StartsWith($"{Source}:9:9: templates[0].rules[0].<<: merge key ", error, StringComparison.Ordinal);
        Assert.Contains("write the fields out in full in this mapping", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shared_approval_rule_merged_into_a_second_template_is_refused_at_every_place()
    {
        const string yaml = """
            apiVersion: authzwebhook/v1
            templates:
              - name: pod-debug
                scope: namespaced
                namespaces: ["payments"]
                maxDuration: PT1H
                eligibleGroups: ["oidc:sre"]
                rules:
                  - apiGroups: [""]
                    resources: ["pods"]
                    verbs: ["get"]
                approval: &approval
                  approverGroups: ["oidc:sre-leads"]
              - name: pod-exec
                scope: namespaced
                namespaces: ["payments"]
                maxDuration: PT1H
                eligibleGroups: ["oidc:sre"]
                rules:
                  - apiGroups: [""]
                    resources: ["pods/exec"]
                    verbs: ["create"]
                approval:
                  <<: *approval
                  requireMfa: true
            """;

        var errors = ErrorsOf(yaml);

        Assert.Equal(
            [
                $"{Source}:12:15: templates[0].approval: anchor '&approval'",
                $"{Source}:24:7: templates[1].approval.<<: merge key '<<'",
                $"{Source}:24:11: templates[1].approval.<<: alias '*approval'",
            ],
            errors.Select(e => e.Split(" is refused")[0]));
    }

    [Fact]
    public void Text_that_only_looks_like_a_tag_anchor_or_alias_still_loads()
    {
        // Inside quotes and comments these characters are text; quoted keys are plain keys.
        var yaml = ValidPolicy
            .Replace("  - name: pod-debug", "  - name: pod-debug # !!str &a *a <<\n    description: \"!important & *not* an alias <<\"", StringComparison.Ordinal)
            .Replace("requireMfa: true", "\"requireMfa\": true", StringComparison.Ordinal)
            .Replace("resourceNames: [\"api-0\"]", "'resourceNames': ['!api-0', \"&api-1\", \"*api-2\"]", StringComparison.Ordinal);

        var template = Assert.Single(PolicyLoader.Parse(yaml, Source).TemplateList);

        Assert.Equal("!important & *not* an alias <<", template.Description);
        Assert.True(template.Approval.RequireMfa);
        Assert.Equal(["!api-0", "&api-1", "*api-2"], Assert.Single(template.Rules).ResourceNames);
    }

    private static IReadOnlyList<string> ErrorsOf(string yaml) =>
        Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(yaml, Source)).Errors;
}
