using System.Text.Json.Serialization;

namespace AuthzWebhook.DecisionStore;

/// <summary>The answer of a chain verification over stored records.</summary>
internal sealed record ChainVerificationView(
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("until")] DateTimeOffset Until,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("intact")] bool Intact,
    [property: JsonPropertyName("notes")] string[] Notes,
    [property: JsonPropertyName("problems")] ChainProblemView[] Problems);
