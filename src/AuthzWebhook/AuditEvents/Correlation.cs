namespace AuthzWebhook.AuditEvents;

/// <summary>Joins the audit events that carry a decision id with the decision ids found in <c>decisions</c>.</summary>
internal static class Correlation
{
    public const int UnmatchedShown = 20;

    public static CorrelationReport Join(AuditScan scan, IReadOnlySet<Guid> stored)
    {
        var unmatched = scan.WithDecision.Where(e => !stored.Contains(e.DecisionId)).ToList();
        // The API server caches an answer per identical request for its authorizedTTL/unauthorizedTTL, and every request
        // it answers from the cache carries the reason, so the decision id, of the call that filled it.
        var cached = scan.WithDecision.GroupBy(e => e.DecisionId).Count(g => g.Count() > 1);
        var sample = unmatched
            .OrderBy(e => e.ReceivedAt, StringComparer.Ordinal)
            .ThenBy(e => e.AuditId, StringComparer.Ordinal)
            .Take(UnmatchedShown)
            .ToList();
        return new CorrelationReport(
            scan.Events,
            scan.NotEvents,
            scan.WithDecision.Count,
            scan.WithDecision.Count - unmatched.Count,
            unmatched.Count,
            cached,
            sample);
    }
}
