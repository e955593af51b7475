using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Identity;

/// <summary>Says, for a refused token, what the caller should do, without echoing token contents.</summary>
internal static class AuthenticationProblems
{
    public const string NoToken =
        "Send 'Authorization: Bearer <token>' with an access token from the configured identity provider for this API's audience.";

    public static string Describe(Exception exception) => exception switch
    {
        SecurityTokenExpiredException => "The token has expired. Get a new one from the identity provider and retry.",
        SecurityTokenNotYetValidException => "The token is not valid yet (nbf is in the future). Check the clocks of the identity provider and the client.",
        SecurityTokenInvalidAudienceException => "The token was issued for another audience. Request a token for this API's audience.",
        IssuerNotAcceptedException e => $"This service accepts tokens issued by {e.Accepted} only (AuthzWebhook:Identity:IssuerUrl, the API server's " +
            "--oidc-issuer-url), and this token has another issuer. With Entra ID that is the other token version: the API's app registration " +
            "decides which one is issued (accessTokenAcceptedVersion in its manifest: 2 for v2.0, 1 or unset for v1.0).",
        SecurityTokenInvalidIssuerException => "The token comes from an issuer this API does not trust. Sign in with the configured identity provider.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted; tokens must be signed with the identity provider's asymmetric keys (RS256, PS256 or ES256 and stronger).",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The token's signature does not verify with the identity provider's published keys. Get a new token from the configured identity provider.",
        SecurityTokenNoExpirationException => "The token has no expiry (exp); such tokens are not accepted.",
        _ => "The token is not valid. Get a new one from the configured identity provider.",
    };
}
