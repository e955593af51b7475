using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthzWebhook.DecisionStore;

/// <summary>A page of stored decision records, each exactly as written; pass <see cref="NextCursor"/> back as <c>cursor</c>.</summary>
internal sealed record DecisionPage(
    [property: JsonPropertyName("items")] JsonElement[] Items,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);
