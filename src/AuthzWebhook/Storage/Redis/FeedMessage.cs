using System.Text.Json.Serialization;

namespace AuthzWebhook.Storage.Redis;

/// <summary>
/// One message on the change feed: a window change (<c>kind: window</c>) or a replica's heartbeat to itself
/// (<c>kind: heartbeat</c>), which proves the feed delivered everything published before it. A heartbeat carries only a
/// one-time nonce: the sender keeps the time it sent it, so nothing a Redis writer puts in a message can set freshness.
/// </summary>
internal sealed record FeedMessage(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("window")] WindowPayload? Window,
    [property: JsonPropertyName("nonce")] Guid? Nonce,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt)
{
    public const string WindowKind = "window";
    public const string HeartbeatKind = "heartbeat";
}
