using System.Globalization;
using AuthzWebhook.Decisions;

namespace AuthzWebhook.Explain;

/// <summary>The answer of <c>POST /explain</c> in one sentence, saying what the caller can do next.</summary>
internal static class ExplainSummary
{
    public static string Of(Decision decision, RequestableView[] requestable) => decision switch
    {
        { Outcome: DecisionOutcome.Allow, Window: { } w, Template: { } t } =>
            string.Create(CultureInfo.InvariantCulture, $"Allowed now by your elevation {w.Id} (template {t.Name}) until {DecisionReason.Rfc3339(w.ExpiresAt)}."),
        { Outcome: DecisionOutcome.Deny, Guardrail: { } g } =>
            $"Denied by guardrail {g.Name}{(g.Description.Length == 0 ? string.Empty : ": " + g.Description.TrimEnd('.'))}. No elevation can allow it; ask the policy's owners if this is wrong.",
        { Degraded: true } =>
            "This replica cannot confirm that its view of elevations is current, so it would allow nothing now; RBAC decides. Try again shortly.",
        _ when requestable.Length > 0 =>
            $"No elevation of yours allows this; RBAC may still allow it. To elevate, run: {requestable[0].Command}",
        _ => "No elevation of yours allows this and no template you may request covers it; RBAC decides. Ask your platform team for a template if you need one.",
    };
}
