namespace AuthzWebhook.AuditEvents;

/// <summary>An item of a posted EventList that could not be used at all, by its index in <c>items</c>, and why.</summary>
internal sealed record SkippedEvent(int Index, string Reason);
