namespace AuthzWebhook.Elevations;

/// <summary>
/// One approver's approval in one round (0 for the request, then one per extension needing approval), with the groups
/// and MFA it was given with, so that it counts only while the policy in force would still accept it.
/// </summary>
internal sealed record ElevationApproval(
    Guid ElevationId,
    int Round,
    string Approver,
    bool Mfa,
    string? Comment,
    DateTimeOffset ApprovedAt,
    string[] ApproverGroups,
    string? ApproverSubject);
