using System.Text.Json.Serialization;

namespace AuthzWebhook.Explain;

/// <summary>
/// What the webhook would answer for the caller's request now, worked out exactly as for a review but recorded
/// nowhere, and what the caller can do about it. <see cref="Summary"/> says it in one sentence for people.
/// </summary>
internal sealed record ExplainView(
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("groups")] string[] Groups,
    [property: JsonPropertyName("elevation")] ExplainElevationView? Elevation,
    [property: JsonPropertyName("guardrail")] ExplainGuardrailView? Guardrail,
    [property: JsonPropertyName("audit_guardrails")] ExplainGuardrailView[] AuditGuardrails,
    [property: JsonPropertyName("degraded")] bool Degraded,
    [property: JsonPropertyName("requestable")] RequestableView[] Requestable,
    [property: JsonPropertyName("summary")] string Summary);
