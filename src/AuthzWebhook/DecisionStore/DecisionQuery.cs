using AuthzWebhook.Elevations;

namespace AuthzWebhook.DecisionStore;

/// <summary>A validated filter and page over stored decision records, newest first.</summary>
internal sealed record DecisionQuery(Guid? ElevationId, string? User, string? Decision, DateTimeOffset? Since, DateTimeOffset? Until, int Limit, PageCursor? After);
