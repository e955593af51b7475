namespace AuthzWebhook.Windows;

internal sealed class WindowOptions
{
    public const string Section = "AuthzWebhook:Windows";

    /// <summary>How often every replica re-reads all live windows from Postgres, catching anything the change feed missed.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a replica sends itself a heartbeat through the Redis change feed to prove the feed is flowing.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a replica keeps granting without confirming that it has seen every change (by a Postgres reconcile or a
    /// heartbeat through an unbroken feed). Past it, the replica answers no opinion with an evaluation error.
    /// </summary>
    public TimeSpan StalenessBound { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long heartbeats through Redis alone may keep a replica granting after its last Postgres reload (a Postgres
    /// outage or failover). A change whose Redis publish failed reaches the replica only through Postgres, so this
    /// bounds how long such a change can go unseen.
    /// </summary>
    public TimeSpan MaxTimeWithoutPostgres { get; set; } = TimeSpan.FromMinutes(5);
}
