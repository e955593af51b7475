using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary><c>POST /api/v1/elevations</c>. Every field is read as sent and validated by <see cref="ElevationRequestValidator"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record CreateElevationBody(
    [property: JsonPropertyName("template")] string? Template,
    [property: JsonPropertyName("namespaces")] string[]? Namespaces,
    [property: JsonPropertyName("duration")] string? Duration,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("ticket")] string? Ticket);
