namespace AuthzWebhook.DecisionStore;

/// <summary>A record Postgres refused for good, with the SQLSTATE and message it gave.</summary>
internal sealed record RefusedDecision(PendingDecision Pending, string SqlState, string Error);
