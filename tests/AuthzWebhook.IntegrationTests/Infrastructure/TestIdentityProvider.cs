using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-in OpenID Connect provider: a WireMock server publishing a discovery document and JWKS, and the RSA key
/// behind them, so tests mint real RS256 tokens the service validates the way it validates a real issuer's.
/// </summary>
public sealed class TestIdentityProvider : IDisposable
{
    public const string Audience = "authz-webhook-api";
    public const string ClientId = "authz-webhook";

    private readonly WireMockServer _server;

    public TestIdentityProvider()
    {
        _server = WireMockServer.Start();
        Issuer = _server.Urls[0].TrimEnd('/') + "/issuer";
        Key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key-1" };
        var parameters = Key.Rsa.ExportParameters(includePrivateParameters: false);
        var discovery = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = Issuer + "/keys",
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
        });
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = Key.KeyId,
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        });
        _server.Given(Request.Create().WithPath("/issuer/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(discovery));
        _server.Given(Request.Create().WithPath("/issuer/keys").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(jwks));
    }

    public string Issuer { get; }

    public RsaSecurityKey Key { get; }

    /// <summary>Requests the provider has served (discovery and keys): zero means nothing tried to validate a token.</summary>
    public int RequestCount => _server.LogEntries.Count;

    /// <summary>The service settings that point Microsoft.Identity.Web at this provider as a generic OIDC issuer.</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["AuthzWebhook:DevelopmentIssuer:Enabled"] = "false",
        ["AuthzWebhook:Oidc:Authority"] = Issuer,
        ["AuthzWebhook:Oidc:MetadataAddress"] = Issuer + "/.well-known/openid-configuration",
        ["AuthzWebhook:Oidc:ClientId"] = ClientId,
        ["AuthzWebhook:Oidc:Audience"] = Audience,
    };

    /// <summary>A valid token for <paramref name="email"/> in <paramref name="groups"/> (OIDC group names, before the prefix).</summary>
    public string TokenFor(string email, string[] groups, bool mfa = false) =>
        Mint(new Dictionary<string, object>
        {
            ["sub"] = "sub-" + email,
            ["email"] = email,
            ["email_verified"] = true,
            ["groups"] = groups,
            ["amr"] = mfa ? new[] { "pwd", "mfa" } : new[] { "pwd" },
        });

    /// <summary>Signs <paramref name="claims"/> with this provider's key (or <paramref name="key"/>), defaults filled in for what is not given.</summary>
    public string Mint(
        IDictionary<string, object> claims,
        string? issuer = null,
        string? audience = null,
        DateTime? notBefore = null,
        DateTime? expires = null,
        SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            IssuedAt = (notBefore ?? now).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddSeconds(-5),
            Expires = expires ?? now.AddMinutes(30),
            Claims = new Dictionary<string, object>(claims),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with valid-looking claims.</summary>
    public string UnsignedToken(string email, string[] groups) =>
        Encode(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" }, Payload(email, groups)) + ".";

    /// <summary>The classic key-confusion forgery: HS256 keyed with the provider's public key.</summary>
    public string HmacWithPublicKeyToken(string email, string[] groups)
    {
        var unsigned = Encode(new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = Key.KeyId! }, Payload(email, groups));
        var publicPem = Encoding.ASCII.GetBytes(Key.Rsa.ExportSubjectPublicKeyInfoPem());
        return unsigned + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(publicPem, Encoding.ASCII.GetBytes(unsigned)));
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        Key.Rsa.Dispose();
    }

    private Dictionary<string, object> Payload(string email, string[] groups)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = "sub-" + email,
            ["email"] = email,
            ["groups"] = groups,
            ["iat"] = now,
            ["nbf"] = now - 5,
            ["exp"] = now + 1800,
        };
    }

    private static string Encode(Dictionary<string, object> header, Dictionary<string, object> payload) =>
        Base64UrlEncoder.Encode(JsonSerializer.Serialize(header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload));
}
