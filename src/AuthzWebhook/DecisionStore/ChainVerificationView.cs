using System.Text.Json.Serialization;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// The answer of one bounded chain verification over stored records: what this call checked. <see cref="NextCursor"/>
/// is null once every record in the range was checked; until then pass it back as <c>cursor</c>.
/// </summary>
internal sealed record ChainVerificationView(
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("until")] DateTimeOffset Until,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("intact")] bool Intact,
    [property: JsonPropertyName("notes")] string[] Notes,
    [property: JsonPropertyName("problems")] ChainProblemView[] Problems,
    [property: JsonPropertyName("notes_omitted")] long NotesOmitted,
    [property: JsonPropertyName("problems_omitted")] long ProblemsOmitted,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);
