using System.Text.Json.Serialization;

namespace AuthzWebhook.DecisionStore;

/// <summary>One problem found in the stored records: at which record, in which instance's chain, of which kind.</summary>
internal sealed record ChainProblemView(
    [property: JsonPropertyName("decision_id")] Guid? DecisionId,
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("message")] string Message);
