using System.Text.Json;
using System.Text.Json.Serialization;
using AuthzWebhook.Elevations;

namespace AuthzWebhook.Audit;

/// <summary>Everything recorded under one elevation: the elevation with its approvals and history, and every decision that cited it.</summary>
internal sealed record ActivityView(
    [property: JsonPropertyName("elevation")] ElevationView Elevation,
    [property: JsonPropertyName("decisions")] JsonElement[] Decisions,
    [property: JsonPropertyName("decisions_truncated")] bool DecisionsTruncated);
