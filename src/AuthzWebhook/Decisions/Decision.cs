using AuthzWebhook.Policy;
using AuthzWebhook.Windows;

namespace AuthzWebhook.Decisions;

/// <summary>
/// The engine's answer, as a value. <see cref="Window"/> and <see cref="Template"/> are set on allow;
/// <see cref="Guardrail"/> on deny; <see cref="AuditGuardrails"/> names audit-mode guardrails that would have denied.
/// </summary>
internal readonly record struct Decision(
    DecisionOutcome Outcome,
    ElevationWindow? Window,
    AccessTemplate? Template,
    Guardrail? Guardrail,
    Guardrail[]? AuditGuardrails,
    bool Degraded)
{
    public static Decision Allow(ElevationWindow window, AccessTemplate template, Guardrail[]? audit) =>
        new(DecisionOutcome.Allow, window, template, null, audit, Degraded: false);

    public static Decision Deny(Guardrail guardrail, Guardrail[]? audit, bool degraded) =>
        new(DecisionOutcome.Deny, null, null, guardrail, audit, degraded);

    public static Decision NoOpinion(Guardrail[]? audit, bool degraded) =>
        new(DecisionOutcome.NoOpinion, null, null, null, audit, degraded);
}
