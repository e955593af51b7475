namespace AuthzWebhook.Elevations;

/// <summary>
/// An elevation as stored: who asked for which template where, for how long and why, and where it is in its life.
/// <see cref="Duration"/> is what was asked for; the clock starts at <see cref="ActivatedAt"/>.
/// A pending extension (<see cref="ExtensionDuration"/>) waits for the approvals of round <see cref="ApprovalRound"/>.
/// </summary>
internal sealed record Elevation(
    Guid Id,
    ElevationState State,
    string Template,
    string Requester,
    string[] RequesterGroups,
    string EligibilityGroup,
    string[] Namespaces,
    TimeSpan Duration,
    string Reason,
    string? Ticket,
    int RequiredApprovals,
    int ApprovalRound,
    DateTimeOffset? PendingUntil,
    TimeSpan? ExtensionDuration,
    string? ExtensionReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? EndedAt,
    long Version,
    string? TemplateFingerprint = null,
    string? RequesterSubject = null)
{
    public bool IsOpen => State is ElevationState.Pending or ElevationState.Active;

    /// <summary>True when approvals would count now: a pending request, or an active elevation waiting on an extension.</summary>
    /// <summary>True for an active elevation whose time is up, even before the expiry job has marked it.</summary>
    public bool IsPastExpiryAt(DateTimeOffset now) => State == ElevationState.Active && ExpiresAt <= now;

    public bool AwaitsApproval => State == ElevationState.Pending || (State == ElevationState.Active && ExtensionDuration is not null);
}
