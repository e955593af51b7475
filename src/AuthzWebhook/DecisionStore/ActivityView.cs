using System.Text.Json;
using System.Text.Json.Serialization;
using AuthzWebhook.Elevations;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Everything recorded under one elevation: the elevation with its approvals and history, the decisions that cited it
/// and the API server's audit events for what was done under it (from the audit sink), each exactly as stored, one
/// page of each, bounded in items and bytes. A list's <c>*_next_cursor</c> continues it (as <c>decisions_cursor</c> or
/// <c>audit_events_cursor</c>); <c>*_truncated</c> says whether it has one.
/// </summary>
internal sealed record ActivityView(
    [property: JsonPropertyName("elevation")] ElevationView Elevation,
    [property: JsonPropertyName("decisions")] JsonElement[] Decisions,
    [property: JsonPropertyName("decisions_truncated")] bool DecisionsTruncated,
    [property: JsonPropertyName("audit_events")] JsonElement[] AuditEvents,
    [property: JsonPropertyName("audit_events_truncated")] bool AuditEventsTruncated,
    [property: JsonPropertyName("decisions_next_cursor")] string? DecisionsNextCursor,
    [property: JsonPropertyName("audit_events_next_cursor")] string? AuditEventsNextCursor);
