using AuthzWebhook.Policy;

namespace AuthzWebhook.Tests.Policy;

/// <summary>
/// An invalid policy stops start-up (and a bad hot reload keeps the last good one), so every message must lead the
/// operator to the file, line and field to fix. Line numbers below count from the first line of each YAML literal.
/// </summary>
public sealed class PolicyLoaderTests
{
    private const string Source = "test.yaml";

    // One valid namespaced template; each test changes one thing so that its error is the one under test.
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
                resources: ["pods", "pods/log"]
                verbs: ["get"]
            approval:
              approverGroups: ["oidc:sre-leads"]
        """;

    [Fact]
    public void Development_policy_loads_with_its_templates_and_guardrails()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "policy", "development.yaml");

        var policy = PolicyLoader.LoadFile(path);

        Assert.Equal(["pod-debug", "break-glass-admin", "read-logs"], policy.TemplateList.Select(t => t.Name));
        Assert.Equal(TemplateScope.Namespaced, policy.Templates["pod-debug"].Scope);
        Assert.Equal(TimeSpan.FromHours(1), policy.Templates["pod-debug"].MaxDuration);
        Assert.Equal(TemplateScope.Cluster, policy.Templates["break-glass-admin"].Scope);
        Assert.Equal(TimeSpan.FromMinutes(30), policy.Templates["break-glass-admin"].MaxDuration);
        Assert.Equal(2, policy.Templates["break-glass-admin"].Approval.RequiredApprovals);
        Assert.True(policy.Templates["break-glass-admin"].Approval.RequireMfa);
        Assert.True(policy.Templates["read-logs"].Approval.AutoApprove);
        Assert.Equal(TimeSpan.FromHours(2), policy.Templates["read-logs"].MaxDuration);

        Assert.Equal(2, policy.Guardrails.Length);
        var audit = Assert.Single(policy.Guardrails, g => g.Mode == GuardrailMode.Audit);
        Assert.Equal("legacy-cluster-admin-use", audit.Name);
        Assert.Equal(["legacy-cluster-admins"], audit.Subjects.Groups);
        var enforce = Assert.Single(policy.Guardrails, g => g.Mode == GuardrailMode.Enforce);
        Assert.Equal("kube-system-secrets", enforce.Name);
        Assert.Equal(["oidc:authz-admins"], enforce.Except.Groups);
        Assert.Equal(["kube-system"], enforce.Namespaces.Select(n => n.Text));
        Assert.Equal(path, policy.Source);
    }

    [Fact]
    public void The_base_policy_of_these_tests_is_valid()
    {
        // Proves that each error below comes from the one change that test makes.
        var policy = PolicyLoader.Parse(ValidPolicy, Source);

        var template = Assert.Single(policy.TemplateList);
        Assert.Equal(["pods", "pods/log"], Assert.Single(template.Rules).Resources);
        Assert.Empty(policy.Guardrails);
        Assert.Equal(PolicyLoader.HashOf(ValidPolicy), policy.ContentHash);
    }

    [Fact]
    public void Unknown_field_such_as_a_typo_is_refused_at_its_line()
    {
        var errors = ErrorsOf(ValidPolicy.Replace("verbs: [\"get\"]", "verb: [\"get\"]", StringComparison.Ordinal));

        AssertError(errors, 11, "templates[0].rules[0].verb", "unknown field");
        AssertError(errors, 9, "templates[0].rules[0].verbs", "at least one verb");
    }

    [Fact]
    public void Missing_scope_names_the_template_and_the_field()
    {
        var errors = ErrorsOf(ValidPolicy.Replace("    scope: namespaced\n", string.Empty, StringComparison.Ordinal));

        AssertError(errors, 3, "templates[0].scope", "is required");
    }

    [Theory]
    [InlineData("1h")]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("PT0S")]
    [InlineData("-PT1H")]
    [InlineData("thirty minutes")]
    public void Bad_max_duration_is_refused_at_its_line(string value)
    {
        var errors = ErrorsOf(ValidPolicy.Replace("maxDuration: PT1H", $"maxDuration: {value}", StringComparison.Ordinal));

        AssertError(errors, 6, "templates[0].maxDuration", "ISO 8601");
    }

    [Fact]
    public void Max_duration_longer_than_a_week_is_refused()
    {
        var errors = ErrorsOf(ValidPolicy.Replace("maxDuration: PT1H", "maxDuration: P8D", StringComparison.Ordinal));

        AssertError(errors, 6, "templates[0].maxDuration", "at most");
    }

    [Fact]
    public void Namespaced_template_without_namespaces_is_refused()
    {
        var errors = ErrorsOf(ValidPolicy.Replace("    namespaces: [\"payments\"]\n", string.Empty, StringComparison.Ordinal));

        AssertError(errors, 3, "templates[0].namespaces", "is required for a namespaced template");
    }

    [Fact]
    public void Cluster_template_with_namespaces_is_refused()
    {
        var errors = ErrorsOf(ValidPolicy.Replace("scope: namespaced", "scope: cluster", StringComparison.Ordinal));

        AssertError(errors, 5, "templates[0].namespaces", "must be empty for a cluster-scoped template");
    }

    [Fact]
    public void Unknown_scope_is_refused()
    {
        var errors = ErrorsOf(ValidPolicy.Replace("scope: namespaced", "scope: namespace", StringComparison.Ordinal));

        AssertError(errors, 4, "templates[0].scope", "'namespace' must be 'namespaced' or 'cluster'");
    }

    [Fact]
    public void Non_resource_urls_in_a_namespaced_template_are_refused()
    {
        var yaml = ValidPolicy.Replace(
            "      - apiGroups: [\"\"]\n        resources: [\"pods\", \"pods/log\"]\n",
            "      - nonResourceURLs: [\"/healthz\"]\n",
            StringComparison.Ordinal);

        var errors = ErrorsOf(yaml);

        AssertError(errors, 9, "templates[0].rules[0].nonResourceURLs", "only cluster-scoped templates");
    }

    [Fact]
    public void Rule_mixing_resources_and_non_resource_urls_is_refused()
    {
        const string yaml = """
            apiVersion: authzwebhook/v1
            templates:
              - name: break-glass
                scope: cluster
                maxDuration: PT30M
                eligibleGroups: ["oidc:sre"]
                rules:
                  - apiGroups: [""]
                    resources: ["pods"]
                    nonResourceURLs: ["/healthz"]
                    verbs: ["get"]
                approval:
                  approverGroups: ["oidc:sre-leads"]
            """;

        var errors = ErrorsOf(yaml);

        AssertError(errors, 8, "templates[0].rules[0]", "either resources or nonResourceURLs, not both");
    }

    [Fact]
    public void Duplicate_template_name_is_refused_at_the_second_definition()
    {
        var second = ValidPolicy[ValidPolicy.IndexOf("  - name:", StringComparison.Ordinal)..];
        var yaml = ValidPolicy + "\n" + second;

        var errors = ErrorsOf(yaml);

        AssertError(errors, 14, "templates[1].name", "'pod-debug' is defined twice");
    }

    [Theory]
    [InlineData("Team_*")]
    [InlineData("a*b")]
    [InlineData("-team")]
    [InlineData("team-")]
    [InlineData("**")]
    public void Bad_namespace_pattern_is_refused_at_its_line(string pattern)
    {
        var errors = ErrorsOf(ValidPolicy.Replace("namespaces: [\"payments\"]", $"namespaces: [\"payments\", \"{pattern}\"]", StringComparison.Ordinal));

        AssertError(errors, 5, "templates[0].namespaces[1]", $"'{pattern}'");
    }

    [Fact]
    public void Resource_with_a_star_inside_its_name_is_refused()
    {
        // Kubernetes RBAC has no partial wildcards: "pod*" would silently match nothing there.
        var errors = ErrorsOf(ValidPolicy.Replace("\"pods/log\"", "\"pod*\"", StringComparison.Ordinal));

        AssertError(errors, 10, "templates[0].rules[0].resources[1]", "'pod*'");
    }

    [Fact]
    public void Bad_guardrail_mode_is_refused()
    {
        var yaml = ValidPolicy + """

            guardrails:
              - name: no-secrets
                mode: deny
                rules:
                  - apiGroups: [""]
                    resources: ["secrets"]
                    verbs: ["*"]
            """;

        var errors = ErrorsOf(yaml);

        AssertError(errors, 16, "guardrails[0].mode", "'deny' must be 'enforce' or 'audit'");
    }

    [Fact]
    public void Wrong_api_version_is_refused()
    {
        var errors = ErrorsOf(ValidPolicy.Replace("authzwebhook/v1", "authzwebhook/v2", StringComparison.Ordinal));

        AssertError(errors, 1, "apiVersion", "must be 'authzwebhook/v1'");
    }

    [Fact]
    public void Tab_indentation_is_a_syntax_error_at_its_line()
    {
        var yaml = ValidPolicy.Replace("    scope: namespaced", "\tscope: namespaced", StringComparison.Ordinal);

        var error = Assert.Single(ErrorsOf(yaml));

        // YamlDotNet reports where the token it was scanning began (the value on line 3) rather than the tab on line 4;
        // either line leads the operator to the spot, and the message says "tab".
        Assert.Matches(@"^test\.yaml:[34]:\d+: \(syntax\): .*tab", error);
    }

    [Fact]
    public void Unclosed_bracket_is_a_syntax_error_that_names_the_file_and_a_line()
    {
        // YamlDotNet 18 throws InvalidOperationException (not YamlException) for this input; the loader must still turn
        // it into a PolicyValidationException, or start-up prints a stack trace and a hot reload escapes its catch.
        var yaml = ValidPolicy.Replace("namespaces: [\"payments\"]", "namespaces: [\"payments\"", StringComparison.Ordinal);

        var error = Assert.Single(ErrorsOf(yaml));

        Assert.Matches(@"^test\.yaml:([5-9]|1[0-3]):\d+: \(syntax\): ", error);
    }

    [Fact]
    public void Duplicate_key_is_refused_rather_than_one_value_silently_winning()
    {
        var yaml = ValidPolicy.Replace("    scope: namespaced\n", "    scope: namespaced\n    scope: cluster\n", StringComparison.Ordinal);

        var error = Assert.Single(ErrorsOf(yaml));

        Assert.Matches(@"^test\.yaml:[45]:\d+: ", error);
    }

    [Fact]
    public void Empty_file_is_refused()
    {
        var error = Assert.Single(ErrorsOf(string.Empty));

        Assert.StartsWith($"{Source}:", error, StringComparison.Ordinal);
        Assert.Contains("exactly one YAML document", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        const string yaml = """
            apiVersion: authzwebhook/v1
            templates:
              - name: pod-debug
                scope: namespaced
                namespaces: ["Team_*"]
                maxDuration: 1h
                eligibleGroups: ["oidc:sre"]
                rules:
                  - apiGroups: [""]
                    resources: ["pods"]
                    verb: ["get"]
                approval:
                  approverGroups: ["oidc:sre-leads"]
              - name: cluster-view
                scope: cluster
                namespaces: ["payments"]
                maxDuration: PT30M
                eligibleGroups: ["oidc:sre"]
                rules:
                  - nonResourceURLs: ["/healthz"]
                    verbs: ["get"]
                approval:
                  approverGroups: ["oidc:sre-leads"]
            guardrails:
              - name: no-secrets
                mode: deny
                rules:
                  - apiGroups: [""]
                    resources: ["secrets"]
                    verbs: ["*"]
            """;

        var ex = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(yaml, Source));

        AssertError(ex.Errors, 5, "templates[0].namespaces[0]", "'Team_*'");
        AssertError(ex.Errors, 6, "templates[0].maxDuration", "ISO 8601");
        AssertError(ex.Errors, 11, "templates[0].rules[0].verb", "unknown field");
        AssertError(ex.Errors, 16, "templates[1].namespaces", "must be empty");
        AssertError(ex.Errors, 26, "guardrails[0].mode", "'deny'");

        // The exception text (what start-up logs) carries every error too.
        Assert.All(ex.Errors, e => Assert.Contains(e, ex.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_error_has_the_file_line_column_field_shape()
    {
        var errors = ErrorsOf(ValidPolicy.Replace("maxDuration: PT1H", "maxDuration: 1h", StringComparison.Ordinal)
            .Replace("verbs: [\"get\"]", "verb: [\"get\"]", StringComparison.Ordinal));

        Assert.All(errors, e => Assert.Matches(@"^test\.yaml:[1-9]\d*:[1-9]\d*: [^ ]+: .+", e));
    }

    private static IReadOnlyList<string> ErrorsOf(string yaml) =>
        Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(yaml, Source)).Errors;

    private static void AssertError(IReadOnlyList<string> errors, int line, string fieldPath, string fragment)
    {
        var prefix = $"{Source}:{line}:";
        var field = $": {fieldPath}: ";
        Assert.True(
            errors.Any(e => e.StartsWith(prefix, StringComparison.Ordinal) && e.Contains(field, StringComparison.Ordinal) && e.Contains(fragment, StringComparison.Ordinal)),
            $"expected an error at line {line} for {fieldPath} containing \"{fragment}\"; got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    [Fact]
    public void A_template_without_an_approval_rule_is_refused()
    {
        var withoutApproval = ValidPolicy[..ValidPolicy.IndexOf("    approval:", StringComparison.Ordinal)];

        var errors = ErrorsOf(withoutApproval);

        AssertError(errors, 3, "templates[0].approval", "is required");
    }
}
