using AuthzWebhook.Policy;

namespace AuthzWebhook.Elevations;

/// <summary>An extension that passed its checks: the template in force, the extra time and the reason.</summary>
internal sealed record ValidatedExtension(AccessTemplate Template, TimeSpan Duration, string Reason);
