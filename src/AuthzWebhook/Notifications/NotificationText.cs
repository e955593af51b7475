using System.Globalization;

namespace AuthzWebhook.Notifications;

/// <summary>
/// The sentence every format leads with, e.g. "alice requested pod-debug in payments for PT30M (INC-4711): reason".
/// Each format passes how it renders names (people, templates, namespaces) and free text (reasons, comments, tickets),
/// so escaping and emphasis stay with the format while the wording stays in one place.
/// </summary>
internal static class NotificationText
{
    public static string Plain(NotificationEvent notification) => Describe(notification, Same, Same);

    public static string Describe(NotificationEvent notification, Func<string, string> name, Func<string, string> text)
    {
        var e = notification.Elevation;
        var ticket = e.Ticket is null ? string.Empty : $" ({text(e.Ticket)})";
        var scope = Scope(e.Namespaces, name);
        var comment = string.IsNullOrEmpty(notification.Comment) ? string.Empty : ": " + text(notification.Comment);
        var actor = name(notification.Actor);
        if (notification.Event == NotificationEvents.Requested)
        {
            return $"{name(e.Requester)} requested {name(e.Template)} {scope} for {text(e.Duration)}{ticket}: {text(e.Reason)}";
        }

        var subject = $"{name(e.Template)} for {name(e.Requester)} {scope}{ticket}";
        return notification.Event switch
        {
            NotificationEvents.Approved => $"{subject} approved by {actor} ({e.Approvals} of {e.RequiredApprovals}){comment}",
            NotificationEvents.Rejected => $"{subject} rejected by {actor}{comment}",
            NotificationEvents.Activated => e.ExpiresAt is { } until ? $"{subject} is active until {Time(until)}" : $"{subject} is active",
            NotificationEvents.Revoked => $"{subject} revoked by {actor}{comment}",
            NotificationEvents.Expired => $"{subject} expired",
            NotificationEvents.Cancelled => $"{subject} cancelled by {actor}{comment}",
            NotificationEvents.Extended => e.ExpiresAt is { } until
                ? $"{subject} extended by {actor} until {Time(until)}{comment}"
                : $"{subject} extended by {actor}{comment}",
            _ => $"{subject}: {text(notification.Event)} by {actor}{comment}",
        };
    }

    /// <summary>"in payments, billing", or "cluster-wide" for a template without namespaces.</summary>
    public static string Scope(string[] namespaces, Func<string, string> name) =>
        namespaces.Length == 0 ? "cluster-wide" : "in " + string.Join(", ", namespaces.Select(name));

    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Same(string value) => value;
}
