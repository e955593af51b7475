using System.Text.Json.Serialization;

namespace AuthzWebhook.Decisions;

/// <summary>Who asked, exactly as the API server sent it.</summary>
internal sealed record DecisionUser(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("groups")] string[] Groups,
    [property: JsonPropertyName("extra")] IReadOnlyDictionary<string, string[]> Extra);
