using System.Text.Json.Serialization;

namespace AuthzWebhook.Elevations;

/// <summary>An elevation as the REST API shows it. Approvals (of the round waiting or last decided) and history are set for a single elevation.</summary>
internal sealed record ElevationView(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("requester")] string Requester,
    [property: JsonPropertyName("namespaces")] string[] Namespaces,
    [property: JsonPropertyName("duration")] string Duration,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("ticket")] string? Ticket,
    [property: JsonPropertyName("required_approvals")] int RequiredApprovals,
    [property: JsonPropertyName("pending_until")] DateTimeOffset? PendingUntil,
    [property: JsonPropertyName("pending_extension")] PendingExtensionView? PendingExtension,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("activated_at")] DateTimeOffset? ActivatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("ended_at")] DateTimeOffset? EndedAt,
    [property: JsonPropertyName("approvals")] ApprovalView[]? Approvals,
    [property: JsonPropertyName("history")] HistoryView[]? History,
    [property: JsonPropertyName("history_truncated")] bool? HistoryTruncated = null)
{
    public static ElevationView From(Elevation e, IReadOnlyList<ElevationApproval>? approvals = null, IReadOnlyList<HistoryEntry>? history = null, bool? historyTruncated = null) => new(
        e.Id,
        ElevationStates.ToName(e.State),
        e.Template,
        e.Requester,
        e.Namespaces,
        Policy.IsoDuration.Format(e.Duration),
        e.Reason,
        e.Ticket,
        e.RequiredApprovals,
        e.PendingUntil,
        e.ExtensionDuration is { } d ? new PendingExtensionView(Policy.IsoDuration.Format(d), e.ExtensionReason ?? string.Empty) : null,
        e.CreatedAt,
        e.UpdatedAt,
        e.ActivatedAt,
        e.ExpiresAt,
        e.EndedAt,
        approvals?.Select(a => new ApprovalView(a.Approver, a.Round, a.ApprovedAt, a.Mfa, a.Comment)).ToArray(),
        history?.Select(h => new HistoryView(h.At, h.Actor, h.Action, h.FromState, h.ToState, h.Comment)).ToArray(),
        historyTruncated);
}
