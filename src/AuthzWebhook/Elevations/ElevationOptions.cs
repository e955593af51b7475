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

    /// <summary>
    /// Who may read elevations, whose reasons, tickets and approvers can be sensitive: <c>involved</c> (the default)
    /// shows each caller their own requests and those they may approve, and everything to admins, auditors and
    /// <see cref="ViewerGroups"/>; <c>all-signed-in</c> shows everything to anyone with a valid token.
    /// </summary>
    public string Visibility { get; set; } = ElevationViewer.Involved;

    /// <summary>Groups (Kubernetes names) whose members may read every elevation under <c>involved</c> visibility, e.g. an on-call rota.</summary>
    public string[] ViewerGroups { get; set; } = [];
}
