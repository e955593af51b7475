using System.Text.Json.Serialization;

namespace AuthzWebhook.Notifications;

/// <summary>
/// What happened to an elevation, as stored in the outbox and sent to plain-JSON receivers. Chat formats are rendered
/// from it at delivery time.
/// </summary>
internal sealed record NotificationEvent(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("comment")] string? Comment,
    [property: JsonPropertyName("elevation")] NotificationElevation Elevation);
