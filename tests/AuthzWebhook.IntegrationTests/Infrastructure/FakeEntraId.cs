using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-in for the Microsoft Entra ID endpoints a web API touches: the tenant's v2.0 discovery document and the
/// signing keys, shaped as Entra publishes them (tenant-specific issuer, keys shared by every tenant and carrying an
/// <c>{tenantid}</c> issuer template), served over HTTPS on loopback with a certificate from the test CA. Tokens are
/// v2.0 access tokens signed with the published key.
/// </summary>
/// <remarks>
/// HTTPS because Microsoft.Identity.Web's Entra issuer validator (<c>AadIssuerValidator</c>) fetches the discovery
/// document itself, with a document retriever that refuses plain HTTP whatever <c>RequireHttpsMetadata</c> says.
/// </remarks>
public sealed class FakeEntraId : IDisposable
{
    private const string HttpClientName = "fake-entra-id";

    private readonly TestPki _pki;
    private readonly WireMockServer _server;

    public FakeEntraId(TestPki pki)
    {
        _pki = pki;
        // By file: WireMock serializes its settings, which an ECDSA certificate object does not survive.
        var pfx = Path.Combine(pki.Directory, $"entra-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(pfx, pki.ServerCertificate.Export(X509ContentType.Pkcs12, string.Empty));
        _server = WireMockServer.Start(new WireMockServerSettings
        {
            UseSSL = true,
            CertificateSettings = new WireMockCertificateSettings { X509CertificateFilePath = pfx, X509CertificatePassword = string.Empty },
        });
        Instance = $"https://127.0.0.1:{_server.Port}/";
        TenantId = Guid.NewGuid().ToString();
        ClientId = Guid.NewGuid().ToString();
        Key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "entra-key-" + Guid.NewGuid().ToString("N")[..8] };

        var host = Instance.TrimEnd('/');
        var parameters = Key.Rsa.ExportParameters(includePrivateParameters: false);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new Dictionary<string, object>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = Key.KeyId,
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    // Entra's keys sign for every tenant; the issuer template ties a token's issuer to its tid.
                    ["issuer"] = host + "/{tenantid}/v2.0",
                },
            },
        });

        Serve($"/{TenantId}/v2.0/.well-known/openid-configuration", Discovery(host, TenantId, IssuerOf(TenantId), $"{host}/{TenantId}/discovery/v2.0/keys", "/oauth2/v2.0"));
        Serve($"/{TenantId}/discovery/v2.0/keys", jwks);
        // The v1.0 endpoint Entra also serves for every tenant: Microsoft.Identity.Web reads it to check v1.0 tokens.
        Serve($"/{TenantId}/.well-known/openid-configuration", Discovery(host, TenantId, V1IssuerOf(TenantId), $"{host}/{TenantId}/discovery/keys", "/oauth2"));
        Serve($"/{TenantId}/discovery/keys", jwks);
    }

    /// <summary>The cloud instance, as in <c>AuthzWebhook:Oidc:Instance</c> (with its trailing slash).</summary>
    public string Instance { get; }

    public string TenantId { get; }

    /// <summary>The API's application (client) id: the <c>aud</c> of v2.0 access tokens for it.</summary>
    public string ClientId { get; }

    /// <summary>Entra's signing key: the same for every tenant.</summary>
    public RsaSecurityKey Key { get; }

    /// <summary>The paths the service has asked for, in order.</summary>
    public IReadOnlyList<string> RequestedPaths => _server.LogEntries.Select(e => e.RequestMessage?.Path ?? string.Empty).ToArray();

    /// <summary>The settings a real deployment gives: Instance, TenantId and ClientId, with the generic issuer keys cleared.</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["AuthzWebhook:DevelopmentIssuer:Enabled"] = "false",
        ["AuthzWebhook:Oidc:Instance"] = Instance,
        ["AuthzWebhook:Oidc:TenantId"] = TenantId,
        ["AuthzWebhook:Oidc:ClientId"] = ClientId,
        ["AuthzWebhook:Oidc:Authority"] = string.Empty,
        ["AuthzWebhook:Oidc:MetadataAddress"] = string.Empty,
        ["AuthzWebhook:Oidc:Audience"] = string.Empty,
        // What the API server's --oidc-issuer-url would be: v2.0 tokens.
        ["AuthzWebhook:Identity:IssuerUrl"] = IssuerOf(TenantId),
    };

    /// <summary>
    /// What the test machine has in place of a public CA: the service's outbound calls to the identity provider (the
    /// bearer handler's discovery and keys, the Entra issuer validator's discovery) trust the test CA. Nothing else changes.
    /// </summary>
    public void TrustTestCa(IServiceCollection services)
    {
        services.AddHttpClient(HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _pki.CreateHttpHandler());
        services.Configure<AadIssuerValidatorOptions>(o => o.HttpClientName = HttpClientName);
        services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = _pki.CreateHttpHandler());
    }

    /// <summary>The v2.0 issuer of <paramref name="tenantId"/> on this instance.</summary>
    public string IssuerOf(string tenantId) => $"{Instance.TrimEnd('/')}/{tenantId}/v2.0";

    /// <summary>The v1.0 issuer of <paramref name="tenantId"/>: Entra's is on sts.windows.net whatever the instance.</summary>
    public static string V1IssuerOf(string tenantId) => $"https://sts.windows.net/{tenantId}/";

    /// <summary>
    /// A v2.0 access token as Entra issues it for this API to <paramref name="email"/> in <paramref name="groups"/>
    /// (object ids), from this tenant unless <paramref name="tenantId"/> names another (issuer and tid both), signed with
    /// Entra's key unless <paramref name="key"/> is given; <paramref name="extraClaims"/> add to or replace the claims.
    /// <paramref name="v1"/> makes it a v1.0 token of the same account (sts.windows.net issuer, ver 1.0), as Entra issues
    /// when the app registration's accessTokenAcceptedVersion is 1 or unset.
    /// </summary>
    public string AccessToken(
        string email,
        string[] groups,
        string? tenantId = null,
        string? audience = null,
        DateTime? notBefore = null,
        DateTime? expires = null,
        IDictionary<string, object>? extraClaims = null,
        SecurityKey? key = null,
        bool v1 = false)
    {
        var now = DateTime.UtcNow;
        var tid = tenantId ?? TenantId;
        var claims = new Dictionary<string, object>
        {
            ["tid"] = tid,
            ["ver"] = v1 ? "1.0" : "2.0",
            ["oid"] = Guid.NewGuid().ToString(),
            ["sub"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)),
            ["azp"] = Guid.NewGuid().ToString(),
            ["azpacr"] = "0",
            ["scp"] = "access_as_user",
            ["name"] = email,
            ["preferred_username"] = email,
            ["email"] = email,
            ["groups"] = groups,
            ["amr"] = new[] { "pwd", "mfa" },
            ["uti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
        };
        foreach (var (name, value) in extraClaims ?? new Dictionary<string, object>())
        {
            claims[name] = value;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "JWT",
            Issuer = v1 ? V1IssuerOf(tid) : IssuerOf(tid),
            // v1.0 tokens are issued for the app id URI, v2.0 tokens for the client id.
            Audience = audience ?? (v1 ? $"api://{ClientId}" : ClientId),
            IssuedAt = (notBefore ?? now.AddMinutes(-5)).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddMinutes(-5),
            Expires = expires ?? now.AddMinutes(60),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        Key.Rsa.Dispose();
    }

    private static string Discovery(string host, string tenantId, string issuer, string jwksUri, string oauth) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["token_endpoint"] = $"{host}/{tenantId}{oauth}/token",
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "private_key_jwt", "client_secret_basic" },
        ["jwks_uri"] = jwksUri,
        ["response_modes_supported"] = new[] { "query", "fragment", "form_post" },
        ["subject_types_supported"] = new[] { "pairwise" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["response_types_supported"] = new[] { "code", "id_token", "code id_token", "id_token token" },
        ["scopes_supported"] = new[] { "openid", "profile", "email", "offline_access" },
        ["issuer"] = issuer,
        ["request_uri_parameter_supported"] = false,
        ["authorization_endpoint"] = $"{host}/{tenantId}{oauth}/authorize",
        ["end_session_endpoint"] = $"{host}/{tenantId}{oauth}/logout",
        ["claims_supported"] = new[] { "sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email" },
        ["tenant_region_scope"] = "EU",
        ["cloud_instance_name"] = "microsoftonline.com",
    });

    private void Serve(string path, string json) =>
        _server.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(json));
}
