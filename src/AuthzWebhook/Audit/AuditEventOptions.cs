namespace AuthzWebhook.Audit;

/// <summary>The audit sink on the webhook listener (<c>POST /audit</c>), for the API server's audit webhook backend.</summary>
internal sealed class AuditEventOptions
{
    public const string Section = "AuthzWebhook:AuditSink";

    /// <summary>Largest EventList accepted; the API server sends up to 400 events per batch by default.</summary>
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Most events in one EventList.</summary>
    public int MaxEvents { get; set; } = 5000;
}
