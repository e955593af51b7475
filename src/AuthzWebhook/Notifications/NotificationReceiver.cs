namespace AuthzWebhook.Notifications;

/// <summary>One configured destination: a chat incoming webhook or any HTTPS endpoint that takes the plain JSON event.</summary>
internal sealed class NotificationReceiver
{
    /// <summary>Stable name: outbox rows refer to the receiver by it, so renaming one abandons what is queued for it.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Chat webhook URLs carry their secret in the path: never logged, never echoed in validation messages.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>One of <see cref="NotificationFormats.All"/>.</summary>
    public string Format { get; set; } = string.Empty;

    /// <summary>The events this receiver gets, from <see cref="NotificationEvents.All"/>.</summary>
    public string[] Events { get; set; } = [];

    /// <summary>Extra request headers, typically an Authorization header; their values are never logged.</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
}
