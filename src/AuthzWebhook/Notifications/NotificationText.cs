using System.Globalization;

namespace AuthzWebhook.Notifications;

/// <summary>
/// The sentence every format leads with, e.g. "alice requested pod-debug in payments for PT30M (INC-4711): reason".
/// It is built in <see cref="TextPart"/>s, so that each format renders our wording and user text (names, reasons,
/// comments, tickets) its own way while the wording stays in one place.
/// </summary>
internal static class NotificationText
{
    /// <summary>The sentence as given, user text unscreened; for tests and logs, never for a chat.</summary>
    public static string Plain(NotificationEvent notification) => Describe(notification, p => p.Text);

    public static string Describe(NotificationEvent notification, Func<TextPart, string> render) =>
        string.Concat(Parts(notification).Select(render));

    public static List<TextPart> Parts(NotificationEvent notification)
    {
        var e = notification.Elevation;
        var parts = new List<TextPart>();
        if (notification.Event == NotificationEvents.Requested)
        {
            parts.Name(e.Requester).Ours(" requested ").Name(e.Template).Ours(" ").Scope(e.Namespaces)
                .Ours(" for ").Name(e.Duration).Ticket(e.Ticket).Ours(": ").FreeText(e.Reason);
            return parts;
        }

        parts.Name(e.Template).Ours(" for ").Name(e.Requester).Ours(" ").Scope(e.Namespaces).Ticket(e.Ticket);
        var actor = notification.Actor;
        switch (notification.Event)
        {
            case NotificationEvents.Approved:
                parts.Ours(" approved by ").Name(actor).Ours($" ({e.Approvals} of {e.RequiredApprovals})");
                break;
            case NotificationEvents.Rejected:
                parts.Ours(" rejected by ").Name(actor);
                break;
            case NotificationEvents.Activated:
                return parts.Ours(e.ExpiresAt is { } activeUntil ? $" is active until {Time(activeUntil)}" : " is active");
            case NotificationEvents.Revoked:
                parts.Ours(" revoked by ").Name(actor);
                break;
            case NotificationEvents.Expired:
                return parts.Ours(" expired");
            case NotificationEvents.Cancelled:
                parts.Ours(" cancelled by ").Name(actor);
                break;
            case NotificationEvents.Extended:
                parts.Ours(" extended by ").Name(actor).Ours(e.ExpiresAt is { } until ? $" until {Time(until)}" : string.Empty);
                break;
            default:
                parts.Ours(": ").Name(notification.Event).Ours(" by ").Name(actor);
                break;
        }

        if (!string.IsNullOrEmpty(notification.Comment))
        {
            parts.Ours(": ").FreeText(notification.Comment);
        }

        return parts;
    }

    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Adds our wording, joined to any just before it, so that a format gets one piece per stretch of it.</summary>
    private static List<TextPart> Ours(this List<TextPart> parts, string text)
    {
        if (text.Length == 0)
        {
            return parts;
        }

        if (parts.Count > 0 && parts[^1].Kind == TextPartKind.Ours)
        {
            parts[^1] = parts[^1] with { Text = parts[^1].Text + text };
        }
        else
        {
            parts.Add(new TextPart(text, TextPartKind.Ours));
        }

        return parts;
    }

    private static List<TextPart> Name(this List<TextPart> parts, string name)
    {
        parts.Add(new TextPart(name, TextPartKind.Name));
        return parts;
    }

    private static List<TextPart> FreeText(this List<TextPart> parts, string text)
    {
        parts.Add(new TextPart(text, TextPartKind.FreeText));
        return parts;
    }

    private static List<TextPart> Ticket(this List<TextPart> parts, string? ticket) =>
        ticket is null ? parts : parts.Ours(" (").FreeText(ticket).Ours(")");

    /// <summary>"in payments, billing", or "cluster-wide" for a template without namespaces.</summary>
    private static List<TextPart> Scope(this List<TextPart> parts, string[] namespaces)
    {
        if (namespaces.Length == 0)
        {
            return parts.Ours("cluster-wide");
        }

        parts.Ours("in ");
        for (var i = 0; i < namespaces.Length; i++)
        {
            parts.Ours(i == 0 ? string.Empty : ", ").Name(namespaces[i]);
        }

        return parts;
    }
}
