using AuthzWebhook.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.Identity;

/// <summary>
/// The development issuer's OpenID discovery document and keys, on the API listener (HTTPS) under the issuer's own path,
/// so that a real kube-apiserver's OIDC authenticator (<c>--oidc-issuer-url</c>) accepts the same tokens as this service.
/// Mapped only while the issuer is enabled, which start-up allows in the Development environment alone.
/// </summary>
internal static class DevelopmentIssuerApi
{
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string KeysPath = "/keys";

    public static IEndpointRouteBuilder MapDevelopmentIssuer(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<DevelopmentIssuerOptions>>().Value;
        if (!options.Enabled || !Uri.TryCreate(options.Issuer, UriKind.Absolute, out var issuer))
        {
            return app;
        }

        var basePath = issuer.AbsolutePath.TrimEnd('/');
        var listener = new ListenerMetadata(ListenerKind.Api);
        app.MapGet(basePath + DiscoveryPath, Discovery).WithMetadata(listener).AllowAnonymous().ExcludeFromDescription();
        app.MapGet(basePath + KeysPath, Keys).WithMetadata(listener).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static Ok<DevelopmentIssuerDiscovery> Discovery(DevelopmentTokenIssuer issuer) =>
        TypedResults.Ok(new DevelopmentIssuerDiscovery(
            issuer.Issuer,
            issuer.Issuer.TrimEnd('/') + KeysPath,
            ["id_token"],
            ["public"],
            [SecurityAlgorithms.RsaSha256],
            ["sub", "email", "email_verified", "name", "groups", "amr"]));

    private static Ok<JsonWebKeySetView> Keys(DevelopmentTokenIssuer issuer)
    {
        // Only the public half: ExportParameters(false) cannot carry the private exponent or primes.
        var key = issuer.SigningKey;
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        return TypedResults.Ok(new JsonWebKeySetView(
        [
            new JsonWebKeyView("RSA", "sig", SecurityAlgorithms.RsaSha256, key.KeyId, Base64UrlEncoder.Encode(parameters.Modulus), Base64UrlEncoder.Encode(parameters.Exponent)),
        ]));
    }
}
