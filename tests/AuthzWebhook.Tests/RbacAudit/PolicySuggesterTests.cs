using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;
using AuthzWebhook.RbacAudit;
using AuthzWebhook.Windows;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AuthzWebhook.Tests.RbacAudit.RbacFixtures;

namespace AuthzWebhook.Tests.RbacAudit;

/// <summary>
/// The suggested policy loads, and the decision engine proves its point: each guardrail flags (audit only) the very
/// request the standing binding allowed, and the matching template could cover it once requested.
/// </summary>
public sealed class PolicySuggesterTests
{
    private static readonly DateTimeOffset Now = new(2025, 7, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly RbacAuditReport Report = AuditOf(Cluster);
    private static readonly SuggestedPolicy Suggested = PolicySuggester.Suggest(Report);
    private static readonly AccessPolicy Loaded = PolicyLoader.Parse(PolicyYamlWriter.Write(Suggested, Cluster), "suggested.yaml");

    private readonly DecisionEngine _engine;

    public PolicySuggesterTests()
    {
        var freshness = new WindowFreshness(new FakeTimeProvider(Now), Options.Create(new WindowOptions { StalenessBound = TimeSpan.FromSeconds(30) }));
        freshness.Confirm(Now);
        _engine = new DecisionEngine(new ActiveWindowIndex(), freshness);
    }

    [Fact]
    public void The_suggested_policy_loads_with_one_template_and_one_audit_guardrail_per_use()
    {
        Assert.Equal(Suggested.Templates.Select(t => t.Name), Loaded.TemplateList.Select(t => t.Name));
        Assert.Equal(Suggested.Templates.Select(t => t.GuardrailName), Loaded.Guardrails.Select(g => g.Name));
        Assert.All(Loaded.Guardrails, g => Assert.Equal(GuardrailMode.Audit, g.Mode));
        Assert.All(Loaded.Guardrails, g => Assert.True(g.Except.IsEmpty));
        Assert.Equal(6, Loaded.TemplateList.Length);
    }

    [Fact]
    public void Workloads_system_identities_and_unknown_roles_get_no_template()
    {
        var subjects = Suggested.Templates.Select(t => t.Subject.Name).Distinct().Order();

        Assert.Equal(["alice@example.com", "checkout-team", "payments-team", "platform-admins", "security-team"], subjects);
    }

    [Fact]
    public void Cluster_admin_of_a_team_becomes_a_break_glass_template_for_that_team()
    {
        var template = Loaded.Templates["platform-admins-cluster-admin"];

        Assert.Equal(TemplateScope.Cluster, template.Scope);
        Assert.Equal(TimeSpan.FromMinutes(30), template.MaxDuration);
        Assert.Equal(["platform-admins"], template.EligibleGroups);
        Assert.Equal(2, template.Approval.RequiredApprovals);
        Assert.True(template.Approval.RequireMfa);
        Assert.Equal([PolicySuggester.ApproversPlaceholder], template.Approval.ApproverGroups);
    }

    [Fact]
    public void A_user_bound_by_name_gets_a_group_placeholder_and_a_guardrail_on_the_user()
    {
        var template = Assert.Single(Suggested.Templates, t => t.Subject.Name == "alice@example.com");
        var loaded = Loaded.Templates[template.Name];

        Assert.StartsWith(PolicySuggester.Placeholder, Assert.Single(loaded.EligibleGroups), StringComparison.Ordinal);
        Assert.Equal(["alice@example.com"], Loaded.Guardrails.Single(g => g.Name == template.GuardrailName).Subjects.Users);
        Assert.Contains(template.Notes, n => n.Contains("bound as a user", StringComparison.Ordinal));
    }

    [Fact]
    public void Namespaced_grants_of_one_role_become_one_namespaced_template_over_their_namespaces()
    {
        var template = Loaded.Templates["payments-team-admin-namespaces"];

        Assert.Equal(TemplateScope.Namespaced, template.Scope);
        Assert.Equal(["payments", "payments-jobs"], template.Namespaces.Select(n => n.Text));
        Assert.DoesNotContain(template.Rules, r => r.NonResourceUrls.Length > 0);
    }

    /// <summary>A request each standing binding allowed; a resource starting with '/' is a non-resource URL.</summary>
    [Theory]
    [InlineData("platform-admins-cluster-admin", "delete", "apps", "deployments", "payments", "api")]
    [InlineData("platform-admins-cluster-admin", "get", "", "/metrics", "", "")]
    [InlineData("alice-example-com-cluster-admin", "create", "", "pods/exec", "kube-system", "etcd-cp-1")]
    [InlineData("payments-team-admin-namespaces", "impersonate", "", "serviceaccounts", "payments-jobs", "batch-runner")]
    [InlineData("payments-team-admin-namespaces", "get", "", "secrets", "payments", "stripe-key")]
    [InlineData("checkout-team-checkout-deployer-checkout", "delete", "apps", "deployments", "checkout", "web")]
    [InlineData("security-team-rbac-manager", "escalate", "rbac.authorization.k8s.io", "clusterroles", "", "admin")]
    [InlineData("security-team-secret-auditor", "list", "", "secrets", "", "")]
    public void The_guardrail_flags_the_request_the_binding_allowed_and_the_template_covers_it(string templateName, string verb, string group, string resource, string ns, string name)
    {
        var template = Assert.Single(Suggested.Templates, t => t.Name == templateName);
        var user = template.Subject.Kind == RbacSubject.User ? template.Subject.Name : "oidc:someone@example.com";
        var asked = Request(user, ["oidc:everyone", template.EligibleGroup], verb, group, resource, ns, name);

        var decision = _engine.Decide(asked, Loaded, Now);

        Assert.Equal(DecisionOutcome.NoOpinion, decision.Outcome);
        Assert.Contains(template.GuardrailName, decision.AuditGuardrails?.Select(g => g.Name) ?? []);
        Assert.Contains(DecisionEngine.RequestableFor(asked, Loaded), t => t.Name == templateName);
    }

    [Fact]
    public void A_namespaced_guardrail_does_not_flag_the_same_request_in_another_namespace()
    {
        var request = Request("oidc:carol@example.com", ["checkout-team"], "delete", "apps", "deployments", "payments", "api");

        var decision = _engine.Decide(request, Loaded, Now);

        Assert.DoesNotContain("standing-checkout-team-checkout-deployer-checkout", decision.AuditGuardrails?.Select(g => g.Name) ?? []);
    }

    [Fact]
    public void Names_are_unique_valid_and_leave_room_for_the_guardrail_prefix()
    {
        var many = Enumerable.Range(0, 3).Select(i => ClusterRoleBinding($"b{i}", "cluster-admin",
            $$"""[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"{{new string('a', 70)}}{{i}}"}]"""));
        var report = RbacAuditor.Audit(RbacInputReader.Read(List([ClusterRole("cluster-admin", """[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]"""), .. many])));

        var policy = PolicyLoader.Parse(PolicyYamlWriter.Write(PolicySuggester.Suggest(report), "many"), "many.yaml");

        Assert.Equal(3, policy.TemplateList.Select(t => t.Name).Distinct().Count());
        Assert.All(policy.Guardrails, g => Assert.True(g.Name.Length <= 63));
    }

    [Fact]
    public void Rules_the_policy_cannot_hold_are_left_out_with_a_note()
    {
        var report = RbacAuditor.Audit(RbacInputReader.Read(List(
            ClusterRole("odd", """[{"apiGroups":[""],"resources":["pods/*","*"],"verbs":["get"]},{"resources":["nodes"],"verbs":["*"]}]"""),
            ClusterRoleBinding("b", "odd", """[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"team \"quoted\""}]"""))));

        var suggested = PolicySuggester.Suggest(report);
        var policy = PolicyLoader.Parse(PolicyYamlWriter.Write(suggested, "odd"), "odd.yaml");

        var rule = Assert.Single(policy.TemplateList.Single().Rules);
        Assert.Equal(["*"], rule.Resources);
        Assert.Equal(["team \"quoted\""], policy.TemplateList.Single().EligibleGroups);
        Assert.Contains(suggested.Templates[0].Notes, n => n.Contains("pods/*", StringComparison.Ordinal));
        Assert.Contains(suggested.Templates[0].Notes, n => n.Contains("without apiGroups", StringComparison.Ordinal));
    }

    private static ReviewRequest Request(string user, string[] groups, string verb, string group, string resource, string ns, string name)
    {
        if (resource.StartsWith('/'))
        {
            return new ReviewRequest { User = user, Groups = groups, IsResourceRequest = false, Verb = verb, Path = resource };
        }

        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        return new ReviewRequest
        {
            User = user,
            Groups = groups,
            IsResourceRequest = true,
            Verb = verb,
            ApiGroup = group,
            Resource = slash < 0 ? resource : resource[..slash],
            Subresource = slash < 0 ? string.Empty : resource[(slash + 1)..],
            Namespace = ns,
            Name = name,
        };
    }
}
