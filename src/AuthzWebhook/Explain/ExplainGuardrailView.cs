using System.Text.Json.Serialization;

namespace AuthzWebhook.Explain;

/// <summary>A guardrail that denies the request (enforced) or would, in audit mode.</summary>
internal sealed record ExplainGuardrailView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("mode")] string Mode);
