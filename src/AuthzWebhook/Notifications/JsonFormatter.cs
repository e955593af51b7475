using System.Text.Json;
using AuthzWebhook.Hosting;

namespace AuthzWebhook.Notifications;

/// <summary>The event exactly as <see cref="NotificationEvent"/> defines it, for receivers that do their own rendering.</summary>
internal static class JsonFormatter
{
    public static byte[] Format(NotificationEvent notification) =>
        JsonSerializer.SerializeToUtf8Bytes(notification, AuthzJsonContext.Default.NotificationEvent);
}
