namespace AuthzWebhook.Elevations;

/// <summary>Lifecycle settings that the policy does not carry per template.</summary>
internal sealed class ElevationOptions
{
    public const string Section = "AuthzWebhook:Elevations";

    /// <summary>How long a request may wait for approval when its template does not say (<c>approval.maxPending</c>).</summary>
    public TimeSpan DefaultMaxPending { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often elevations past their expiry (or pending past their deadline) are marked and announced.</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Shortest duration that may be requested.</summary>
    public TimeSpan MinDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many requests one person may have waiting for approval at once, so that nobody can flood the approvers'
    /// channels; requests that auto-approve never wait and are not counted.
    /// </summary>
    public int MaxPendingPerUser { get; set; } = 5;
}
