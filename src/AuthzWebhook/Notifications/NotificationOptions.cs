namespace AuthzWebhook.Notifications;

internal sealed class NotificationOptions
{
    public const string Section = "AuthzWebhook:Notifications";

    /// <summary>Where lifecycle events are sent. None configured means none are queued.</summary>
    public NotificationReceiver[] Receivers { get; set; } = [];

    /// <summary>How often the outbox is read when nothing wakes the dispatcher (a commit on this replica does).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts per notification and receiver before it is marked failed and left alone.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; it doubles with each failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take, from sending the request to receiving the response headers.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Optional link to an elevation, with <c>{id}</c> where its id goes (e.g. <c>https://authz.example.com/elevations/{id}</c>);
    /// chat messages link to it when set.
    /// </summary>
    public string? Link { get; set; }

    public const string LinkPlaceholder = "{id}";

    public string? LinkFor(Guid elevationId) =>
        string.IsNullOrWhiteSpace(Link) ? null : Link.Replace(LinkPlaceholder, elevationId.ToString("D"), StringComparison.Ordinal);
}
