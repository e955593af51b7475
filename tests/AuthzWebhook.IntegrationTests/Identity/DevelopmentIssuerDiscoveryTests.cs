using System.Net;
using AuthzWebhook.Identity;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.IntegrationTests.Identity;

/// <summary>
/// The development issuer publishes what an OIDC token verifier such as kube-apiserver reads: a discovery document under
/// its issuer URL and its public key, on the API listener only, and only while it is enabled.
/// </summary>
public sealed class DevelopmentIssuerDiscoveryTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Its_discovery_document_names_the_issuer_and_a_key_set_that_verifies_its_tokens()
    {
        var server = await StartDevelopmentServerAsync();
        using var client = server.CreateApiClient(null);
        var issuer = server.Service<DevelopmentTokenIssuer>();

        var discovery = await client.GetJsonAsync("/dev-issuer/.well-known/openid-configuration");
        Assert.True(discovery.Status == HttpStatusCode.OK, discovery.ToString());
        Assert.Equal(issuer.Issuer, discovery.Body.GetProperty("issuer").GetString());
        var jwksUri = new Uri(discovery.Body.GetProperty("jwks_uri").GetString()!);
        Assert.StartsWith(issuer.Issuer + "/", jwksUri.ToString(), StringComparison.Ordinal);
        Assert.Contains("RS256", discovery.Body.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()));

        var keys = await client.GetJsonAsync(jwksUri.PathAndQuery);
        Assert.True(keys.Status == HttpStatusCode.OK, keys.ToString());
        var keySet = new JsonWebKeySet(keys.Text);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(issuer.Mint("alice@example.com", ["sre"], mfa: false), new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = issuer.Audience,
            IssuerSigningKeys = keySet.GetSigningKeys(),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
    }

    [Fact]
    public async Task Its_key_set_holds_no_private_key_material()
    {
        var server = await StartDevelopmentServerAsync();
        using var client = server.CreateApiClient(null);

        var keys = await client.GetJsonAsync("/dev-issuer/keys");

        var key = Assert.Single(keys.Body.GetProperty("keys").EnumerateArray());
        var members = key.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["alg", "e", "kid", "kty", "n", "use"], members);
    }

    [Fact]
    public async Task It_is_served_on_the_api_listener_only()
    {
        var server = await StartDevelopmentServerAsync();
        using var management = new HttpClient();

        using var response = await management.GetAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/dev-issuer/.well-known/openid-configuration"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Without_the_development_issuer_there_is_no_discovery_document()
    {
        var server = await StartServerAsync();
        using var client = server.CreateApiClient(null);

        var discovery = await client.GetJsonAsync("/dev-issuer/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.NotFound, discovery.Status);
    }

    private Task<WebhookServer> StartDevelopmentServerAsync() => StartServerAsync(
        overrides: new Dictionary<string, string?>
        {
            ["AuthzWebhook:DevelopmentIssuer:Enabled"] = "true",
            ["AuthzWebhook:DevelopmentIssuer:SigningKeyPath"] = Path.Combine(Path.GetTempPath(), $"authz-dev-issuer-{Guid.NewGuid():N}.pem"),
        },
        environment: "Development");
}
