using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>Body of extend: how much longer (ISO 8601) and why.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ExtendBody(
    [property: JsonPropertyName("duration")] string? Duration,
    [property: JsonPropertyName("reason")] string? Reason);
