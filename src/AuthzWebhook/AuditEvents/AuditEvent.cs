namespace AuthzWebhook.AuditEvents;

/// <summary>
/// The parts of one audit.k8s.io/v1 Event that the audit trail keeps as columns; <see cref="Json"/> is the event as
/// posted. <see cref="DecisionId"/> is this service's decision id from the event's <c>authorization.k8s.io/reason</c>.
/// </summary>
internal sealed record AuditEvent(
    Guid AuditId,
    string Stage,
    DateTimeOffset Time,
    string User,
    string[] Groups,
    string Verb,
    string? ApiGroup,
    string? Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    string RequestUri,
    int? ResponseCode,
    string? Authorization,
    Guid? DecisionId,
    string Json);
