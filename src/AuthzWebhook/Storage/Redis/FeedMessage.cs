using System.Text.Json.Serialization;

namespace AuthzWebhook.Storage.Redis;

/// <summary>
/// One message on the change feed: a window change (<c>kind: window</c>) or a replica's heartbeat to itself
/// (<c>kind: heartbeat</c>), which proves the feed delivered everything published before it.
/// </summary>
internal sealed record FeedMessage(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("window")] WindowPayload? Window,
    [property: JsonPropertyName("sender")] Guid? Sender,
    [property: JsonPropertyName("epoch")] long Epoch,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt)
{
    public const string WindowKind = "window";
    public const string HeartbeatKind = "heartbeat";
}
