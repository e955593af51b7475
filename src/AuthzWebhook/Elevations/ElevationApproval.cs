namespace AuthzWebhook.Elevations;

/// <summary>One approver's approval in one round (0 for the request, then one per extension needing approval).</summary>
internal sealed record ElevationApproval(Guid ElevationId, int Round, string Approver, bool Mfa, string? Comment, DateTimeOffset ApprovedAt);
