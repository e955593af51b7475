namespace AuthzWebhook.Hosting;

/// <summary>Endpoint metadata naming the one listener an endpoint may be reached through.</summary>
internal sealed record ListenerMetadata(ListenerKind Kind);
