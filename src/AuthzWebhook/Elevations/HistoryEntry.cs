namespace AuthzWebhook.Elevations;

/// <summary>One row of an elevation's history: every transition, and every approval or extension request along the way.</summary>
internal sealed record HistoryEntry(DateTimeOffset At, string Actor, string Action, string? FromState, string ToState, string? Comment);
