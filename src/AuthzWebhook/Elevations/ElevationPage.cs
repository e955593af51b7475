using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>One page of the elevation list; pass <see cref="NextCursor"/> as <c>cursor</c> for the next, until it is null.</summary>
internal sealed record ElevationPage(
    [property: JsonPropertyName("items")] ElevationView[] Items,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);
