using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Identity;

/// <summary>
/// Accepts only tokens whose <c>iss</c> is exactly the configured issuer, after the provider's own issuer check (for
/// Entra ID, Microsoft.Identity.Web's, which ties the issuer to the token's tenant but accepts both token versions).
/// </summary>
internal sealed class ExactIssuerValidator(string accepted, IssuerValidator? inner)
{
    /// <summary>The provider's own check that runs first; null when the standard rule (valid issuers, discovery) is the only one.</summary>
    public IssuerValidator? Inner { get; } = inner;

    public string Validate(string issuer, SecurityToken token, TokenValidationParameters parameters)
    {
        var validated = Inner is null ? issuer : Inner(issuer, token, parameters);
        return string.Equals(validated, accepted, StringComparison.Ordinal) ? validated : throw new IssuerNotAcceptedException(accepted);
    }
}
