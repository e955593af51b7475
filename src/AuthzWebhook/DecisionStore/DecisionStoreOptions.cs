namespace AuthzWebhook.DecisionStore;

/// <summary>How decision records reach Postgres: batched, buffered in memory and then on disk while Postgres is away.</summary>
internal sealed class DecisionStoreOptions
{
    public const string Section = "AuthzWebhook:DecisionStore";

    public bool Enabled { get; set; } = true;

    /// <summary>Most records in one COPY.</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>Records held in memory while Postgres cannot take them; beyond this they go to the spool file.</summary>
    public int MemoryCapacity { get; set; } = 100_000;

    /// <summary>Append-only file for records Postgres could not take yet; it survives a restart and is delivered first.</summary>
    public string SpoolPath { get; set; } = "/var/lib/authz-webhook/spool/decisions.spool";

    /// <summary>Longest wait between attempts while Postgres is unreachable (attempts start at one second and double).</summary>
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Days of records kept; older daily partitions are dropped.</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>How often partitions ahead are created and expired ones dropped.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);
}
