namespace AuthzWebhook.Identity;

/// <summary>
/// A token issuer for trying the service on a laptop (<c>make run</c>, <c>make dev-token</c>): tokens signed with a local
/// key, accepted instead of a real identity provider's. Refused outside the Development environment.
/// </summary>
internal sealed class DevelopmentIssuerOptions
{
    public const string Section = "AuthzWebhook:DevelopmentIssuer";

    public bool Enabled { get; set; }

    /// <summary>PEM RSA private key; created on first use.</summary>
    public string SigningKeyPath { get; set; } = ".local/dev-issuer/signing-key.pem";

    public string Issuer { get; set; } = "https://dev-issuer.authz-webhook.localhost";

    public string Audience { get; set; } = "authz-webhook";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);
}
