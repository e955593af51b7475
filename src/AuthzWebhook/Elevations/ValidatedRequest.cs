using AuthzWebhook.Policy;

namespace AuthzWebhook.Elevations;

/// <summary>A create request that passed every check, ready to store. <see cref="Hash"/> identifies it for idempotency.</summary>
internal sealed record ValidatedRequest(AccessTemplate Template, string EligibilityGroup, string[] Namespaces, TimeSpan Duration, string Reason, string? Ticket, string Hash);
