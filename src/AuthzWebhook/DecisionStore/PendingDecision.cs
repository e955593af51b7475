using AuthzWebhook.Decisions;

namespace AuthzWebhook.DecisionStore;

/// <summary>A chained record on its way to Postgres: the record, its chain run, and its line exactly as written to stdout.</summary>
internal sealed record PendingDecision(Guid Run, DecisionRecord Record, byte[] Line);
