using System.Text.Json;
using System.Text.Json.Serialization;
using AuthzWebhook.Elevations;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Everything recorded under one elevation: the elevation with its approvals and history, every decision that cited
/// it, and the API server's audit events for what was done under it (from the audit sink), each exactly as stored.
/// </summary>
internal sealed record ActivityView(
    [property: JsonPropertyName("elevation")] ElevationView Elevation,
    [property: JsonPropertyName("decisions")] JsonElement[] Decisions,
    [property: JsonPropertyName("decisions_truncated")] bool DecisionsTruncated,
    [property: JsonPropertyName("audit_events")] JsonElement[] AuditEvents,
    [property: JsonPropertyName("audit_events_truncated")] bool AuditEventsTruncated);
