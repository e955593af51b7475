namespace AuthzWebhook.AuditEvents;

/// <summary>The audit event's <c>objectRef</c>; absent fields are empty.</summary>
internal sealed record AuditObjectRef(string Resource, string Subresource, string Namespace, string Name);
