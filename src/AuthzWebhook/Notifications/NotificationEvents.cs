namespace AuthzWebhook.Notifications;

/// <summary>The event names receivers subscribe to (configuration) and that <see cref="NotificationEvent.Event"/> carries.</summary>
internal static class NotificationEvents
{
    public const string Requested = "requested";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Activated = "activated";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";
    public const string Extended = "extended";

    public static readonly string[] All = [Requested, Approved, Rejected, Activated, Revoked, Expired, Cancelled, Extended];
}
