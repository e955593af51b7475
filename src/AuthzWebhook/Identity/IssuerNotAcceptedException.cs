using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Identity;

/// <summary>A token from a trusted provider whose <c>iss</c> is not the one issuer this service accepts (e.g. the other Entra ID token version).</summary>
internal sealed class IssuerNotAcceptedException(string accepted)
    : SecurityTokenInvalidIssuerException($"The token's issuer is not {accepted}.")
{
    public string Accepted { get; } = accepted;
}
