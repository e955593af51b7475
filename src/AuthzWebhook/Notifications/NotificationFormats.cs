namespace AuthzWebhook.Notifications;

/// <summary>The body formats a receiver can ask for, and rendering a notification in one of them.</summary>
internal static class NotificationFormats
{
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string Json = "json";

    public static readonly string[] All = [Slack, Teams, Json];

    public static bool IsKnown(string? format) => format is not null && Array.Exists(All, f => string.Equals(f, format, StringComparison.OrdinalIgnoreCase));

    /// <summary>The UTF-8 JSON body for <paramref name="format"/>; <paramref name="link"/> points at the elevation, if configured.</summary>
    public static byte[] Render(string format, NotificationEvent notification, string? link) => format.ToLowerInvariant() switch
    {
        Slack => SlackFormatter.Format(notification, link),
        Teams => TeamsFormatter.Format(notification, link),
        Json => JsonFormatter.Format(notification),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown notification format."),
    };
}
