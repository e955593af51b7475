using System.Text.Json.Serialization;

namespace AuthzWebhook.Explain;

/// <summary>One elevation that lets the caller act now: where, until when, and its rules in plain words.</summary>
internal sealed record StatusElevationView(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("namespaces")] string[] Namespaces,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("seconds_left")] long SecondsLeft,
    [property: JsonPropertyName("rules")] string[] Rules);
