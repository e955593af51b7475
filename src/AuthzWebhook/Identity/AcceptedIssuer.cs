using Microsoft.Extensions.Options;

namespace AuthzWebhook.Identity;

/// <summary>
/// The one issuer the API accepts tokens from, as the API server accepts one <c>--oidc-issuer-url</c>, and how a person
/// is told apart under it. Settled from the settings at start, so no token can choose its own issuer string.
/// </summary>
internal sealed class AcceptedIssuer
{
    public AcceptedIssuer(bool isEntraId, string? url)
    {
        IsEntraId = isEntraId;
        Url = string.IsNullOrWhiteSpace(url) ? null : url;
    }

    public AcceptedIssuer(IOptions<IdentityOptions> identity, IOptions<OidcSettings> oidc, IOptions<DevelopmentIssuerOptions> development)
        : this(
            !development.Value.Enabled && !string.IsNullOrWhiteSpace(oidc.Value.Instance),
            development.Value.Enabled ? development.Value.Issuer : identity.Value.IssuerUrl)
    {
    }

    /// <summary>
    /// Entra ID: a person is their tenant and object id (<c>tid</c>, <c>oid</c>), the same in every token version and
    /// for every app, where <c>sub</c> differs per app and the issuer string per token version.
    /// </summary>
    public bool IsEntraId { get; }

    /// <summary>The exact <c>iss</c> tokens must carry; null for a generic issuer left to its discovery document's one issuer.</summary>
    public string? Url { get; }
}
