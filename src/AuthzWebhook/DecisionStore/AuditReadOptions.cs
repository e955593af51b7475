namespace AuthzWebhook.DecisionStore;

/// <summary>
/// How much one call of the auditor endpoints may read and hold, so that no request can take the memory the replica
/// needs for <c>/authorize</c>: rows and bytes per chain verification, bytes per page of records and audit events.
/// </summary>
internal sealed class AuditReadOptions
{
    public const string Section = "AuthzWebhook:AuditApi";

    /// <summary>Records one <c>GET /decisions/verify</c> checks when it is given no <c>limit</c>.</summary>
    public int VerifyPageSize { get; set; } = 10_000;

    /// <summary>Largest <c>limit</c> a verification accepts.</summary>
    public int VerifyMaxPageSize { get; set; } = 100_000;

    /// <summary>Bytes of records one verification reads at most (it stops after the record that reaches this).</summary>
    public long VerifyMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Bytes of stored JSON in one page of decision records or audit events (<c>GET /decisions</c>, an elevation's
    /// activity); a page always holds at least one item, however large.
    /// </summary>
    public int PageMaxBytes { get; set; } = 4 * 1024 * 1024;
}
