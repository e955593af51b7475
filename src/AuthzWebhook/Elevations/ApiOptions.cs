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

    /// <summary>Largest request body; elevation requests are a few hundred bytes.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024;
}
