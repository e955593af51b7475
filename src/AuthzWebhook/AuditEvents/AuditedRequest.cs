namespace AuthzWebhook.AuditEvents;

/// <summary>
/// What <c>correlate</c> keeps of one API server audit event (audit.k8s.io/v1 <c>Event</c>) that carries a decision id:
/// enough to name the request in a report, nothing of its request or response objects.
/// </summary>
internal sealed record AuditedRequest(
    string AuditId,
    string Stage,
    string ReceivedAt,
    string User,
    string Verb,
    string RequestUri,
    AuditObjectRef? ObjectRef,
    Guid DecisionId)
{
    public const string ResponseComplete = "ResponseComplete";

    /// <summary>The request's target as a person reads it: <c>pods/log payments/api-1</c>, or the URI of a non-resource request.</summary>
    public string Target => ObjectRef is { } o
        ? $"{o.Resource}{(o.Subresource.Length > 0 ? "/" + o.Subresource : string.Empty)} {(o.Namespace.Length > 0 ? o.Namespace + "/" : string.Empty)}{o.Name}".TrimEnd('/', ' ')
        : RequestUri;
}
