using System.Text.Json.Serialization;

namespace AuthzWebhook.Explain;

/// <summary>The elevation that allows the request now, and until when.</summary>
internal sealed record ExplainElevationView(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);
