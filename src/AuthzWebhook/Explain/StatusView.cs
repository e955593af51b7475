using System.Text.Json.Serialization;

namespace AuthzWebhook.Explain;

/// <summary>
/// What the caller may do now beyond RBAC: the elevations this replica would honour for them, soonest to end first
/// (webhook authorizers break <c>kubectl auth can-i --list</c>; this takes its place). <see cref="Degraded"/>: this
/// replica cannot confirm its view is current and would honour none of them now.
/// </summary>
internal sealed record StatusView(
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("elevations")] StatusElevationView[] Elevations,
    [property: JsonPropertyName("degraded")] bool Degraded);
