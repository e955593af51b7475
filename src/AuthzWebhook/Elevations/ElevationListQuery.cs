namespace AuthzWebhook.Elevations;

/// <summary>A validated page request for the elevation list: newest first, continuing after <see cref="After"/>.</summary>
internal sealed record ElevationListQuery(ElevationState? State, string? User, string? Ticket, int Limit, PageCursor? After);
