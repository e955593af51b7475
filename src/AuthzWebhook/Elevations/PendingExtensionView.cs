using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>An extension waiting for approval.</summary>
internal sealed record PendingExtensionView(
    [property: JsonPropertyName("duration")] string Duration,
    [property: JsonPropertyName("reason")] string Reason);
