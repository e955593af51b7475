namespace AuthzWebhook.AuditEvents;

/// <summary>
/// The parts of one audit.k8s.io/v1 Event that the audit trail keeps as columns; <see cref="Json"/> is the event as
/// posted, but for what was not text (<see cref="Replaced"/>, see <see cref="AuditBodyText"/>). <see cref="Key"/> (the
/// SHA-256 of that JSON) tells events apart: the same event sent again has the same key, two requests that share a
/// client-chosen audit id do not. Fields the event lacks are empty (<see cref="Time"/>: null, taken as the time it was
/// received); fields longer than the sink keeps are cut (<see cref="Truncated"/>). <see cref="DecisionId"/> is this
/// service's decision id from the event's <c>authorization.k8s.io/reason</c>. <see cref="User"/> authenticated;
/// <see cref="ImpersonatedUser"/>, when set, is whom the request acted as, and <see cref="Groups"/> are the acting user's.
/// </summary>
internal sealed record AuditEvent(
    byte[] Key,
    string AuditId,
    string Stage,
    DateTimeOffset? Time,
    string User,
    string? ImpersonatedUser,
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
    bool Truncated,
    bool Replaced,
    string Json)
{
    /// <summary>The user the request was authorized as: the impersonated one, if any.</summary>
    public string ActingUser => ImpersonatedUser ?? User;
}
