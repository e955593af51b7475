namespace AuthzWebhook.AuditEvents;

/// <summary>The audit sink on the webhook listener (<c>POST /audit</c>), for the API server's audit webhook backend.</summary>
internal sealed class AuditEventOptions
{
    public const string Section = "AuthzWebhook:AuditSink";

    /// <summary>Largest EventList accepted; the API server sends up to 400 events per batch by default.</summary>
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Most events in one EventList.</summary>
    public int MaxEvents { get; set; } = 5000;

    /// <summary>
    /// Deepest JSON nesting of one event; a deeper one is skipped, the rest of its batch kept. Events at the Request and
    /// RequestResponse levels carry whole Kubernetes objects, custom resources included, so this is generous.
    /// </summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// Longest string kept in the fields the sink reads and stores (audit id, user, verb, request URI, object reference,
    /// authorization annotations): a longer one is cut, and its row marked truncated. Request URIs with label and field
    /// selectors are the longest of them.
    /// </summary>
    public int MaxStringLength { get; set; } = 16 * 1024;

    /// <summary>Most groups of one event's user looked at to find the elevation the user held.</summary>
    public int MaxGroups { get; set; } = 1024;
}
