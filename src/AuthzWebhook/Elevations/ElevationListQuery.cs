namespace AuthzWebhook.Elevations;

/// <summary>
/// A validated page request for the elevation list: newest first, continuing after <see cref="After"/>, and only what
/// <see cref="Viewer"/> may see (null: everything).
/// </summary>
internal sealed record ElevationListQuery(ElevationState? State, string? User, string? Ticket, int Limit, PageCursor? After, ElevationViewer? Viewer = null);
