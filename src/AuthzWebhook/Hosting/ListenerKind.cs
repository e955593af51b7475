namespace AuthzWebhook.Hosting;

/// <summary>The service's listeners. Each endpoint answers on exactly one of them.</summary>
internal enum ListenerKind
{
    Webhook,
    Api,
    Management,
}
