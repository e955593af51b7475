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

    /// <summary>
    /// Where the issuer's discovery document is served: the API listener, under this path. A kube-apiserver on the same
    /// machine can use it as <c>--oidc-issuer-url</c> (with <c>.local/pki/ca.crt</c> as <c>--oidc-ca-file</c>).
    /// </summary>
    public string Issuer { get; set; } = "https://127.0.0.1:8444/dev-issuer";

    public string Audience { get; set; } = "authz-webhook";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);
}
