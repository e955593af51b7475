namespace AuthzWebhook.AuditEvents;

/// <summary>What a pass over an audit log found: events read, lines that were not events, and one event per request with a decision id.</summary>
internal sealed record AuditScan(long Events, long NotEvents, IReadOnlyList<AuditedRequest> WithDecision);
