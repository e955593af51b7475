using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>One transition or step in an elevation's history.</summary>
internal sealed record HistoryView(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("comment")] string? Comment);
