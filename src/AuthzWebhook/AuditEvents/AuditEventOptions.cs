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
    /// Deepest JSON nesting accepted. Events at the Request and RequestResponse levels carry whole Kubernetes objects,
    /// custom resources included, so this is generous.
    /// </summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// Longest string accepted in the fields the sink reads and stores (user, groups, verb, request URI, object
    /// reference, authorization annotations). Request URIs with label and field selectors are the longest of them.
    /// </summary>
    public int MaxStringLength { get; set; } = 16 * 1024;

    /// <summary>Most groups on one event's user.</summary>
    public int MaxGroups { get; set; } = 1024;
}
