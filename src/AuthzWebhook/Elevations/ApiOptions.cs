namespace AuthzWebhook.Elevations;

/// <summary>The REST API listener for people and tools (OIDC bearer tokens over HTTPS).</summary>
internal sealed class ApiOptions
{
    public const string Section = "AuthzWebhook:Api";

    public string BindAddress { get; set; } = "0.0.0.0";

    public int Port { get; set; } = 8444;

    /// <summary>PEM certificate (with any intermediates) the API presents; often issued for the ingress host name.</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>PEM private key of <see cref="CertificatePath"/>.</summary>
    public string KeyPath { get; set; } = string.Empty;

    public TimeSpan CertificateCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests each signed-in user may make per minute (anonymous callers are limited per address).</summary>
    public int PermitsPerMinute { get; set; } = 120;

    /// <summary>
    /// Requests each client address may make per minute, counted before any token is looked at, so that a flood of
    /// absent or forged tokens is refused cheaply. Several people behind one NAT share it, hence well above the per-user budget.
    /// </summary>
    public int PermitsPerMinutePerAddress { get; set; } = 600;

    /// <summary>
    /// Proxies (CIDR ranges) whose <c>X-Forwarded-For</c> names the client address for the per-address limit. Empty: the
    /// header is ignored, since any caller can write it.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    public ApiCorsOptions Cors { get; set; } = new();

    /// <summary>Largest request body; elevation requests are a few hundred bytes.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024;
}
