using System.Text.Json.Serialization;

namespace AuthzWebhook.Decisions;

/// <summary>Position of a record in its instance's hash chain.</summary>
internal sealed record DecisionChain(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("prev")] string Prev,
    [property: JsonPropertyName("hash")] string Hash);
