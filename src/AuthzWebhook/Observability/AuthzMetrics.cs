using System.Diagnostics.Metrics;

namespace AuthzWebhook.Observability;

/// <summary>Every metric the service publishes, under one meter.</summary>
internal sealed class AuthzMetrics
{
    public const string MeterName = "AuthzWebhook";

    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _decisionLatency;
    private readonly Counter<long> _recordsDropped;
    private readonly Counter<long> _auditGuardrailHits;
    private readonly Counter<long> _notificationsDelivered;
    private readonly Counter<long> _notificationsFailed;
    private readonly Counter<long> _elevationTransitions;
    private readonly Counter<long> _recordsStored;
    private readonly Counter<long> _recordsNotStored;
    private readonly Counter<long> _spoolUnreadable;
    private readonly Counter<long> _recordsRejected;
    private readonly Counter<long> _auditEventsSkipped;
    private readonly Counter<long> _auditEventsAltered;
    private readonly Histogram<double> _windowChangeLag;
    private readonly Meter _meter;

    public AuthzMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _meter = meter;
        _recordsStored = meter.CreateCounter<long>("authz.decision_records.stored", "{record}", "Decision records stored in Postgres.");
        _recordsNotStored = meter.CreateCounter<long>("authz.decision_records.not_stored", "{record}", "Decision records written to stdout that could not be spooled for Postgres (spool disk full or unwritable); their reviews were answered 503.");
        _spoolUnreadable = meter.CreateCounter<long>("authz.decision_records.spool_unreadable", "{line}", "Lines of the decision spool that could not be read back (torn by a crash, or damaged) and were skipped.");
        _recordsRejected = meter.CreateCounter<long>("authz.decision_records.rejected", "{record}", "Decision records Postgres refused for good (SQLSTATE class 22, 23 or 54), set aside in decisions_rejected (or a file beside the spool) so that they block nothing.");
        _auditEventsSkipped = meter.CreateCounter<long>("authz.audit_events.skipped", "{event}", "Items of posted EventLists that could not be used at all (not an object, nested too deep) and were skipped; the rest of each batch was read.");
        _auditEventsAltered = meter.CreateCounter<long>("authz.audit_events.altered", "{event}", "Audit events stored with a change, by change: truncated (strings cut to AuditSink:MaxStringLength) or replaced (NUL, unpaired surrogates or invalid UTF-8 replaced by U+FFFD).");
        _decisions = meter.CreateCounter<long>("authz.decisions", "{decision}", "Webhook decisions by outcome, template and degraded state.");
        _decisionLatency = meter.CreateHistogram<double>(
            "authz.decision.duration",
            "s",
            "Time from receiving a review to having its answer.",
            // Decisions take tens of microseconds: the default buckets (5 ms and up) would put every one in the first.
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        _windowChangeLag = meter.CreateHistogram<double>(
            "authz.window_change.lag",
            "s",
            "Time from a window change's publication on the Redis change feed to its application on this replica, by where it was applied from (feed: a narrowing change such as a revocation, at once; postgres: a change that could grant, after it was re-read from Postgres).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _recordsDropped = meter.CreateCounter<long>("authz.decision_records.dropped", "{record}", "Decision records dropped because the writer fell behind.");
        _auditGuardrailHits = meter.CreateCounter<long>("authz.guardrail.audit_hits", "{hit}", "Requests an audit-mode guardrail would have denied.");
        _notificationsDelivered = meter.CreateCounter<long>("authz.notifications.delivered", "{notification}", "Notifications delivered, by receiver and event.");
        _notificationsFailed = meter.CreateCounter<long>(
            "authz.notifications.failed", "{notification}", "Notifications given up on (attempts used up, or receiver no longer configured), by receiver and event.");
        _elevationTransitions = meter.CreateCounter<long>(
            "authz.elevation.transitions", "{transition}", "Committed elevation lifecycle steps, by action (requested, approved, activated, revoked, expired, ...) and template.");
    }

    // Boxed once: a tag value is an object, and a bool boxed per decision is garbage on the hot path.
    private static readonly object Degraded = true;
    private static readonly object NotDegraded = false;

    public void RecordDecision(string outcome, string? template, bool degraded, double seconds)
    {
        _decisions.Add(1, new("outcome", outcome), new("template", template ?? string.Empty), new("degraded", degraded ? Degraded : NotDegraded));
        _decisionLatency.Record(seconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void RecordAuditGuardrail(string guardrail) => _auditGuardrailHits.Add(1, new KeyValuePair<string, object?>("guardrail", guardrail));

    public void RecordDropped() => _recordsDropped.Add(1);

    public void RecordNotificationDelivered(string receiver, string @event) =>
        _notificationsDelivered.Add(1, new KeyValuePair<string, object?>("receiver", receiver), new KeyValuePair<string, object?>("event", @event));

    public void RecordNotificationFailed(string receiver, string @event) =>
        _notificationsFailed.Add(1, new KeyValuePair<string, object?>("receiver", receiver), new KeyValuePair<string, object?>("event", @event));

    public void RecordTransition(string action, string template) =>
        _elevationTransitions.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("template", template));

    public void RecordStored(int count) => _recordsStored.Add(count);

    public void RecordStoreDropped(int count) => _recordsNotStored.Add(count);

    public void RecordSpoolUnreadable(int lines) => _spoolUnreadable.Add(lines);

    public void RecordRejected(int count) => _recordsRejected.Add(count);

    public void RecordAuditEventsSkipped(int count) => _auditEventsSkipped.Add(count);

    public void RecordAuditEventsAltered(int truncated, int replaced)
    {
        if (truncated > 0)
        {
            _auditEventsAltered.Add(truncated, new KeyValuePair<string, object?>("change", "truncated"));
        }

        if (replaced > 0)
        {
            _auditEventsAltered.Add(replaced, new KeyValuePair<string, object?>("change", "replaced"));
        }
    }

    /// <summary>
    /// A window change applied <paramref name="seconds"/> after it was published. The publish time is the publishing
    /// replica's clock, so clock skew between replicas shows here too; a negative difference counts as zero.
    /// </summary>
    public void RecordWindowChangeLag(double seconds, string appliedFrom) =>
        _windowChangeLag.Record(Math.Max(0, seconds), new KeyValuePair<string, object?>("applied_from", appliedFrom));

    /// <summary>Publishes the number of windows this replica can grant from (not revoked; some may have expired since the last prune).</summary>
    public void ObserveActiveWindows(Func<int> count) =>
        _meter.CreateObservableGauge("authz.windows.active", count, "{window}", "Elevation windows in this replica's index, not revoked.");

    /// <summary>Publishes the number of decision records not yet in Postgres (memory and spool).</summary>
    public void ObserveStoreBacklog(Func<long> backlog) =>
        _meter.CreateObservableGauge("authz.decision_records.backlog", backlog, "{record}", "Decision records waiting to be stored in Postgres (in memory and spooled).");

    /// <summary>Publishes whether the replica is degraded, for how long in all, and which stores answer.</summary>
    public void ObserveReplicaHealth(Windows.ReplicaHealth health)
    {
        _meter.CreateObservableGauge("authz.degraded", () => health.IsDegraded ? 1 : 0, unit: null, description: "1 while this replica is in degraded mode (a store unreachable or its windows not confirmed fresh).");
        _meter.CreateObservableCounter("authz.degraded.time", () => health.DegradedTime.TotalSeconds, "s", "Time this replica has spent in degraded mode since start-up.");
        _meter.CreateObservableGauge(
            "authz.store.up",
            () => new[]
            {
                new Measurement<int>(health.Unreachable.HasFlag(Windows.UnreachableStores.Postgres) ? 0 : 1, new KeyValuePair<string, object?>("store", "postgres")),
                new Measurement<int>(health.Unreachable.HasFlag(Windows.UnreachableStores.Redis) ? 0 : 1, new KeyValuePair<string, object?>("store", "redis")),
            },
            unit: null,
            description: "1 when the store answered this replica's last request to it (Postgres: window reloads and confirmations; Redis: heartbeats, reloads and the connection), else 0.");
    }
}
