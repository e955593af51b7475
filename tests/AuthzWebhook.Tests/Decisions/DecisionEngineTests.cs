using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;
using AuthzWebhook.Windows;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AuthzWebhook.Tests.Windows.TestWindows;

namespace AuthzWebhook.Tests.Decisions;

/// <summary>
/// The engine is where the invariants of ARCHITECTURE.md hold or break: (1) allow only for an active, eligible, covering
/// window; (2) guardrail denies win; (3) stale state never allows. Each test changes one condition of a request that is
/// otherwise allowed, so a failure points at the one condition that stopped mattering.
/// </summary>
public sealed class DecisionEngineTests
{
    private const string Alice = "oidc:alice@example.com";

    private const string PolicyYaml = """
        apiVersion: authzwebhook/v1
        templates:
          - name: pod-debug
            scope: namespaced
            namespaces: ["payments", "team-*"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: [""]
                resources: ["pods", "pods/log", "pods/exec"]
                verbs: ["get", "list", "create"]
              - apiGroups: [""]
                resources: ["nodes"]
                verbs: ["get"]
            approval:
              approverGroups: ["oidc:sre-leads"]
          - name: cluster-admin
            scope: cluster
            maxDuration: PT30M
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
              - nonResourceURLs: ["*"]
                verbs: ["*"]
            approval:
              approvals: 2
              approverGroups: ["oidc:sre-leads"]
          - name: read-logs
            scope: namespaced
            namespaces: ["*"]
            maxDuration: PT2H
            eligibleGroups: ["oidc:developers"]
            rules:
              - apiGroups: [""]
                resources: ["pods/log"]
                verbs: ["get"]
            approval:
              autoApprove: true
        guardrails:
          - name: kube-system-secrets
            description: Secrets in kube-system are for authz-admins only.
            mode: enforce
            except:
              groups: ["oidc:authz-admins"]
            namespaces: ["kube-system"]
            rules:
              - apiGroups: [""]
                resources: ["secrets"]
                verbs: ["*"]
          - name: exec-watch
            mode: audit
            rules:
              - apiGroups: [""]
                resources: ["pods/exec"]
                verbs: ["create"]
          - name: no-node-proxy
            mode: enforce
            subjects:
              users: ["oidc:mallory@example.com"]
            rules:
              - apiGroups: [""]
                resources: ["nodes/proxy"]
                verbs: ["*"]
        """;

    private static readonly AccessPolicy Policy = PolicyLoader.Parse(PolicyYaml, "engine-test.yaml");

    private readonly FakeTimeProvider _time = new(Now);
    private readonly ActiveWindowIndex _windows = new();
    private readonly WindowFreshness _freshness;
    private readonly DecisionEngine _engine;

    public DecisionEngineTests()
    {
        _freshness = new WindowFreshness(_time, Options.Create(new WindowOptions { StalenessBound = TimeSpan.FromSeconds(30) }));
        _freshness.Confirm(Now);
        _engine = new DecisionEngine(_windows, _freshness);
    }

    [Fact]
    public void User_window_covering_the_request_allows_and_names_itself()
    {
        var window = ForUser(Alice);
        _windows.Apply(window);

        var decision = _engine.Decide(GetPodLogs(), Policy, Now);

        Assert.Equal(DecisionOutcome.Allow, decision.Outcome);
        Assert.Same(window, decision.Window);
        Assert.Equal("pod-debug", decision.Template?.Name);
        Assert.False(decision.Degraded);
        Assert.Null(decision.Guardrail);
    }

    [Fact]
    public void No_window_is_no_opinion()
    {
        var decision = _engine.Decide(GetPodLogs(), Policy, Now);

        Assert.Equal(DecisionOutcome.NoOpinion, decision.Outcome);
        Assert.Null(decision.Window);
        Assert.False(decision.Degraded);
    }

    [Fact]
    public void Window_of_another_user_does_not_allow()
    {
        _windows.Apply(ForUser("oidc:bob@example.com"));

        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(GetPodLogs(), Policy, Now).Outcome);
    }

    [Fact]
    public void Group_window_allows_members_of_that_group()
    {
        var window = ForGroup("oidc:oncall");
        _windows.Apply(window);

        var decision = _engine.Decide(GetPodLogs(groups: ["oidc:sre", "oidc:oncall"]), Policy, Now);

        Assert.Equal(DecisionOutcome.Allow, decision.Outcome);
        Assert.Same(window, decision.Window);
    }

    [Fact]
    public void Group_window_does_not_allow_non_members()
    {
        _windows.Apply(ForGroup("oidc:oncall"));

        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(GetPodLogs(groups: ["oidc:sre"]), Policy, Now).Outcome);
    }

    [Fact]
    public void Window_ends_exactly_at_its_expiry()
    {
        var expiresAt = Now.AddMinutes(10);
        _windows.Apply(ForUser(Alice, expiresAt: expiresAt));
        _freshness.Confirm(expiresAt);

        Assert.Equal(DecisionOutcome.Allow, _engine.Decide(GetPodLogs(), Policy, expiresAt.AddTicks(-1)).Outcome);
        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(GetPodLogs(), Policy, expiresAt).Outcome);
    }

    [Fact]
    public void Window_that_starts_in_the_future_does_not_allow_yet()
    {
        var startsAt = Now.AddMinutes(1);
        _windows.Apply(ForUser(Alice, startsAt: startsAt, expiresAt: Now.AddMinutes(30)));

        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(GetPodLogs(), Policy, Now).Outcome);
        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(GetPodLogs(), Policy, startsAt.AddTicks(-1)).Outcome);

        _freshness.Confirm(startsAt);
        Assert.Equal(DecisionOutcome.Allow, _engine.Decide(GetPodLogs(), Policy, startsAt).Outcome);
    }

    [Fact]
    public void Revoked_window_does_not_allow()
    {
        var window = ForUser(Alice);
        _windows.Apply(window);

        _windows.Apply(Revoked(window));

        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(GetPodLogs(), Policy, Now).Outcome);
    }

    [Fact]
    public void Window_whose_eligibility_group_the_user_has_lost_does_not_allow()
    {
        _windows.Apply(ForUser(Alice, eligibilityGroup: "oidc:sre"));

        var decision = _engine.Decide(GetPodLogs(groups: ["oidc:developers"]), Policy, Now);

        Assert.NotEqual(DecisionOutcome.Allow, decision.Outcome);
    }

    [Fact]
    public void Window_does_not_reach_a_namespace_it_was_not_granted_for()
    {
        _windows.Apply(ForUser(Alice, namespaces: ["payments"]));

        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(GetPodLogs(ns: "team-a"), Policy, Now).Outcome);
    }

    [Fact]
    public void Window_does_not_reach_a_namespace_the_policy_no_longer_allows()
    {
        // The window was approved for "orders" when the template allowed it; the policy has since been narrowed.
        _windows.Apply(ForUser(Alice, namespaces: ["orders"]));

        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(GetPodLogs(ns: "orders"), Policy, Now).Outcome);
    }

    [Fact]
    public void Window_does_not_grant_what_its_template_rules_do_not_cover()
    {
        _windows.Apply(ForUser(Alice));

        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(Resource("delete", "pods", name: "api-7d9f"), Policy, Now).Outcome);
        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(Resource("get", "secrets", name: "db"), Policy, Now).Outcome);
    }

    [Fact]
    public void Namespaced_template_never_covers_cluster_scoped_resources()
    {
        // pod-debug lists "nodes", but like a Role bound by a RoleBinding it has no effect outside namespaces.
        _windows.Apply(ForUser(Alice));

        var decision = _engine.Decide(Resource("get", "nodes", name: "node-1", ns: string.Empty), Policy, Now);

        Assert.Equal(DecisionOutcome.NoOpinion, decision.Outcome);
    }

    [Fact]
    public void Namespaced_template_never_covers_non_resource_urls()
    {
        // The loader refuses such a template; the engine must hold the line on its own too.
        AccessTemplate template = new(
            "odd", string.Empty, TemplateScope.Namespaced, [Pattern("*")], TimeSpan.FromHours(1), ["oidc:sre"],
            [new PolicyRule([], [], ["*"], [], ["*"])], ApprovalRule.Default);
        var policy = new AccessPolicy([template], [], "inline", string.Empty);
        _windows.Apply(ForUser(Alice, template: "odd"));

        var decision = _engine.Decide(NonResource("get", "/healthz"), policy, Now);

        Assert.Equal(DecisionOutcome.NoOpinion, decision.Outcome);
    }

    [Fact]
    public void Cluster_template_covers_cluster_scoped_resources_and_non_resource_urls()
    {
        _windows.Apply(ForUser(Alice, template: "cluster-admin", namespaces: []));

        Assert.Equal(DecisionOutcome.Allow, _engine.Decide(Resource("get", "nodes", name: "node-1", ns: string.Empty), Policy, Now).Outcome);
        Assert.Equal(DecisionOutcome.Allow, _engine.Decide(NonResource("get", "/metrics"), Policy, Now).Outcome);
        Assert.Equal(DecisionOutcome.Allow, _engine.Decide(Resource("delete", "deployments", "apps", name: "web", ns: "orders"), Policy, Now).Outcome);
    }

    [Fact]
    public void Window_whose_template_was_removed_from_the_policy_does_not_allow()
    {
        _windows.Apply(ForUser(Alice, template: "retired-template"));

        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(GetPodLogs(), Policy, Now).Outcome);
    }

    [Fact]
    public void Enforced_guardrail_denies_even_with_a_covering_window()
    {
        _windows.Apply(ForUser(Alice, template: "cluster-admin", namespaces: []));

        var decision = _engine.Decide(Resource("get", "secrets", name: "bootstrap-token", ns: "kube-system"), Policy, Now);

        Assert.Equal(DecisionOutcome.Deny, decision.Outcome);
        Assert.Equal("kube-system-secrets", decision.Guardrail?.Name);
        Assert.Null(decision.Window);
    }

    [Fact]
    public void Enforced_guardrail_denies_without_any_window()
    {
        var decision = _engine.Decide(Resource("list", "secrets", ns: "kube-system"), Policy, Now);

        Assert.Equal(DecisionOutcome.Deny, decision.Outcome);
    }

    [Fact]
    public void Enforced_guardrail_outside_its_namespaces_does_not_deny()
    {
        _windows.Apply(ForUser(Alice, template: "cluster-admin", namespaces: []));

        var decision = _engine.Decide(Resource("get", "secrets", name: "db", ns: "payments"), Policy, Now);

        Assert.Equal(DecisionOutcome.Allow, decision.Outcome);
    }

    [Fact]
    public void Enforced_guardrail_in_its_namespace_also_denies_the_same_request_across_all_namespaces()
    {
        // "kubectl get secrets -A" reaches /api/v1/secrets with namespace "" and returns kube-system's secrets too, so a
        // guardrail protecting secrets in kube-system must not be bypassed by asking for every namespace at once.
        _windows.Apply(ForUser(Alice, template: "cluster-admin", namespaces: []));

        var decision = _engine.Decide(Resource("list", "secrets", ns: string.Empty), Policy, Now);

        Assert.Equal(DecisionOutcome.Deny, decision.Outcome);
    }

    [Fact]
    public void Guardrail_except_group_exempts_its_members()
    {
        _windows.Apply(ForUser(Alice, template: "cluster-admin", namespaces: []));

        var decision = _engine.Decide(Resource("get", "secrets", name: "db", ns: "kube-system", groups: ["oidc:sre", "oidc:authz-admins"]), Policy, Now);

        Assert.Equal(DecisionOutcome.Allow, decision.Outcome);
    }

    [Fact]
    public void Guardrail_with_subjects_applies_only_to_them()
    {
        var mallory = Resource("get", "nodes", "", "proxy", "node-1", string.Empty, user: "oidc:mallory@example.com");
        var alice = Resource("get", "nodes", "", "proxy", "node-1", string.Empty);
        _windows.Apply(ForUser("oidc:mallory@example.com", template: "cluster-admin", namespaces: []));
        _windows.Apply(ForUser(Alice, template: "cluster-admin", namespaces: []));

        Assert.Equal(DecisionOutcome.Deny, _engine.Decide(mallory, Policy, Now).Outcome);
        Assert.Equal(DecisionOutcome.Allow, _engine.Decide(alice, Policy, Now).Outcome);
    }

    [Fact]
    public void Audit_guardrail_does_not_deny_but_is_reported()
    {
        _windows.Apply(ForUser(Alice));

        var decision = _engine.Decide(Resource("create", "pods", subresource: "exec", name: "api-7d9f"), Policy, Now);

        Assert.Equal(DecisionOutcome.Allow, decision.Outcome);
        var audit = Assert.Single(decision.AuditGuardrails ?? []);
        Assert.Equal("exec-watch", audit.Name);
    }

    [Fact]
    public void Audit_guardrail_is_reported_on_no_opinion_too()
    {
        var decision = _engine.Decide(Resource("create", "pods", subresource: "exec", name: "api-7d9f"), Policy, Now);

        Assert.Equal(DecisionOutcome.NoOpinion, decision.Outcome);
        Assert.Equal("exec-watch", Assert.Single(decision.AuditGuardrails ?? []).Name);
    }

    [Fact]
    public void Audit_guardrails_are_absent_when_none_applies()
    {
        _windows.Apply(ForUser(Alice));

        Assert.Null(_engine.Decide(GetPodLogs(), Policy, Now).AuditGuardrails);
    }

    [Fact]
    public void Stale_window_state_never_allows_and_is_degraded()
    {
        _windows.Apply(ForUser(Alice));
        var later = Now.AddSeconds(31);

        var decision = _engine.Decide(GetPodLogs(), Policy, later);

        Assert.Equal(DecisionOutcome.NoOpinion, decision.Outcome);
        Assert.True(decision.Degraded);
        Assert.Null(decision.Window);
    }

    [Fact]
    public void Never_confirmed_window_state_never_allows_and_is_degraded()
    {
        var freshness = new WindowFreshness(_time, Options.Create(new WindowOptions()));
        var engine = new DecisionEngine(_windows, freshness);
        _windows.Apply(ForUser(Alice));

        var decision = engine.Decide(GetPodLogs(), Policy, Now);

        Assert.Equal(DecisionOutcome.NoOpinion, decision.Outcome);
        Assert.True(decision.Degraded);
    }

    [Fact]
    public void Stale_window_state_still_enforces_guardrails()
    {
        // Guardrails come from the policy, not from window state, so a deny stays safe to give.
        var decision = _engine.Decide(Resource("get", "secrets", name: "db", ns: "kube-system"), Policy, Now.AddMinutes(5));

        Assert.Equal(DecisionOutcome.Deny, decision.Outcome);
    }

    [Fact]
    public void Longest_lived_covering_window_is_the_one_named()
    {
        var shorter = ForUser(Alice, expiresAt: Now.AddMinutes(10));
        var longer = ForGroup("oidc:sre", expiresAt: Now.AddMinutes(50));
        var longestButNotCovering = ForUser(Alice, namespaces: ["team-a"], expiresAt: Now.AddHours(1));
        _windows.Apply(shorter);
        _windows.Apply(longer);
        _windows.Apply(longestButNotCovering);

        var decision = _engine.Decide(GetPodLogs(), Policy, Now);

        Assert.Same(longer, decision.Window);
    }

    [Fact]
    public void A_window_whose_eligibility_group_the_policy_no_longer_lists_does_not_allow()
    {
        // Approved while "oidc:oncall" was eligible; the policy has since dropped it.
        _windows.Apply(ForUser(Alice, eligibilityGroup: "oidc:oncall"));

        var decision = _engine.Decide(GetPodLogs(groups: ["oidc:sre", "oidc:oncall"]), Policy, Now);

        Assert.Equal(DecisionOutcome.NoOpinion, decision.Outcome);
    }

    [Fact]
    public void A_namespaced_window_does_not_turn_cluster_wide_when_its_template_changes_scope()
    {
        // A window approved for "payments" under a template that is now cluster-scoped.
        _windows.Apply(ForUser(Alice, template: "cluster-admin", namespaces: ["payments"]));

        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(Resource("get", "pods", ns: "orders"), Policy, Now).Outcome);
        Assert.Equal(DecisionOutcome.NoOpinion, _engine.Decide(Resource("get", "nodes", ns: string.Empty), Policy, Now).Outcome);
    }

    [Fact]
    public void A_guardrail_naming_objects_also_denies_requests_without_a_name()
    {
        const string yaml = """
            apiVersion: authzwebhook/v1
            templates:
              - name: cluster-admin
                scope: cluster
                maxDuration: PT30M
                eligibleGroups: ["oidc:sre"]
                rules:
                  - apiGroups: ["*"]
                    resources: ["*"]
                    verbs: ["*"]
                approval:
                  autoApprove: true
            guardrails:
              - name: admin-token
                mode: enforce
                namespaces: ["kube-system"]
                rules:
                  - apiGroups: [""]
                    resources: ["secrets"]
                    resourceNames: ["admin-token"]
                    verbs: ["*"]
            """;
        var policy = PolicyLoader.Parse(yaml, "guardrail-names.yaml");
        _windows.Apply(ForUser(Alice, template: "cluster-admin", namespaces: []));

        // A list returns admin-token too, so it is denied; another named secret is not.
        Assert.Equal(DecisionOutcome.Deny, _engine.Decide(Resource("list", "secrets", ns: "kube-system"), policy, Now).Outcome);
        Assert.Equal(DecisionOutcome.Deny, _engine.Decide(Resource("get", "secrets", name: "admin-token", ns: "kube-system"), policy, Now).Outcome);
        Assert.Equal(DecisionOutcome.Allow, _engine.Decide(Resource("get", "secrets", name: "other", ns: "kube-system"), policy, Now).Outcome);
    }

    [Fact]
    public void Requestable_templates_are_the_eligible_ones_covering_the_request()
    {
        var forSre = DecisionEngine.RequestableFor(GetPodLogs(groups: ["oidc:sre"]), Policy);
        var forDeveloper = DecisionEngine.RequestableFor(GetPodLogs(groups: ["oidc:developers"]), Policy);
        var forBoth = DecisionEngine.RequestableFor(GetPodLogs(groups: ["oidc:developers", "oidc:sre"]), Policy);

        Assert.Equal(["pod-debug", "cluster-admin"], forSre.Select(t => t.Name));
        Assert.Equal(["read-logs"], forDeveloper.Select(t => t.Name));
        Assert.Equal(["pod-debug", "cluster-admin", "read-logs"], forBoth.Select(t => t.Name));
    }

    [Fact]
    public void Requestable_templates_stop_at_the_limit_in_file_order()
    {
        var firstTwo = DecisionEngine.RequestableFor(GetPodLogs(groups: ["oidc:developers", "oidc:sre"]), Policy, limit: 2);

        Assert.Equal(["pod-debug", "cluster-admin"], firstTwo.Select(t => t.Name));
    }

    [Fact]
    public void Requestable_templates_respect_template_namespaces_and_scope()
    {
        var elsewhere = DecisionEngine.RequestableFor(GetPodLogs(ns: "orders"), Policy);
        var clusterScoped = DecisionEngine.RequestableFor(Resource("get", "nodes", name: "node-1", ns: string.Empty), Policy);
        var nobody = DecisionEngine.RequestableFor(GetPodLogs(groups: ["oidc:guests"]), Policy);

        Assert.Equal(["cluster-admin"], elsewhere.Select(t => t.Name));
        Assert.Equal(["cluster-admin"], clusterScoped.Select(t => t.Name));
        Assert.Empty(nobody);
    }

    private static NamespacePattern Pattern(string text)
    {
        Assert.True(NamespacePattern.TryParse(text, out var pattern, out _));
        return pattern;
    }

    private static ReviewRequest GetPodLogs(string ns = "payments", string[]? groups = null) =>
        Resource("get", "pods", subresource: "log", name: "api-7d9f", ns: ns, groups: groups);

    private static ReviewRequest Resource(
        string verb, string resource, string group = "", string subresource = "", string name = "", string ns = "payments",
        string[]? groups = null, string user = Alice) => new()
    {
        User = user,
        Groups = groups ?? ["oidc:sre"],
        IsResourceRequest = true,
        Verb = verb,
        ApiGroup = group,
        ApiVersion = "v1",
        Resource = resource,
        Subresource = subresource,
        Namespace = ns,
        Name = name,
    };

    private static ReviewRequest NonResource(string verb, string path) => new()
    {
        User = Alice,
        Groups = ["oidc:sre"],
        IsResourceRequest = false,
        Verb = verb,
        Path = path,
    };
}
