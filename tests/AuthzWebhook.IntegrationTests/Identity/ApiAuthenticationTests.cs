using System.Net;
using System.Security.Cryptography;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.IntegrationTests.Identity;

/// <summary>Every way a bearer token can be wrong is refused with 401 problem details, against a real discovery + JWKS issuer.</summary>
public sealed class ApiAuthenticationTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string[] SreGroups = ["sre"];

    [Fact]
    public async Task A_valid_token_from_the_issuer_is_accepted_and_maps_to_the_kubernetes_identity()
    {
        var server = await StartServerAsync();
        using var client = server.CreateApiClient(Idp.TokenFor("alice@example.com", SreGroups));

        var templates = await client.GetJsonAsync("/api/v1/templates");

        Assert.True(templates.Status == HttpStatusCode.OK, templates.ToString());
        var names = templates.Body.EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToArray();
        Assert.Contains("pod-debug", names);
        Assert.Contains("cluster-admin", names);
    }

    [Fact]
    public async Task No_token_is_refused_with_problem_details_that_say_how_to_sign_in()
    {
        var server = await StartServerAsync();
        using var client = server.CreateApiClient(null);

        var response = await client.GetJsonAsync("/api/v1/templates");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("urn:authzwebhook:problem:unauthenticated", response.ProblemType);
        Assert.Contains("Authorization: Bearer", response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Bearer", response.Message.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> BadTokens() => new()
    {
        "expired",
        "not yet valid",
        "wrong issuer",
        "wrong audience",
        "wrong key",
        "alg none",
        "HS256 keyed with the public key",
        "garbage",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_refused_with_401(string kind)
    {
        var server = await StartServerAsync();
        var token = BadToken(kind);
        using var client = server.CreateApiClient(token);

        var response = await client.GetJsonAsync("/api/v1/templates");

        Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{kind}: {response}");
        Assert.Equal("urn:authzwebhook:problem:unauthenticated", response.ProblemType);
        Assert.DoesNotContain(token, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entra_groups_overage_is_refused_with_how_to_fix_it_rather_than_read_as_no_groups()
    {
        var server = await StartServerAsync();
        var token = Idp.Mint(new Dictionary<string, object>
        {
            ["sub"] = "sub-bob",
            ["email"] = "bob@example.com",
            ["_claim_names"] = new Dictionary<string, string> { ["groups"] = "src1" },
            ["_claim_sources"] = new Dictionary<string, object> { ["src1"] = new Dictionary<string, string> { ["endpoint"] = "https://graph.microsoft.com/v1.0/users/x/getMemberObjects" } },
        });
        using var client = server.CreateApiClient(token);

        var response = await client.GetJsonAsync("/api/v1/templates");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("overage", response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("ApplicationGroup", response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_whose_email_is_not_verified_is_refused_as_the_api_server_would()
    {
        var server = await StartServerAsync();
        var token = Idp.Mint(new Dictionary<string, object> { ["sub"] = "s", ["email"] = "mallory@example.com", ["email_verified"] = false, ["groups"] = SreGroups });
        using var client = server.CreateApiClient(token);

        var response = await client.GetJsonAsync("/api/v1/templates");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("not verified", response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_the_username_claim_is_refused()
    {
        var server = await StartServerAsync();
        var token = Idp.Mint(new Dictionary<string, object> { ["sub"] = "service-principal", ["groups"] = SreGroups });
        using var client = server.CreateApiClient(token);

        var response = await client.GetJsonAsync("/api/v1/templates");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("'email' claim", response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_is_not_reachable_through_the_webhook_or_management_listeners()
    {
        var server = await StartServerAsync();
        var token = Idp.TokenFor("alice@example.com", SreGroups);
        using var webhook = server.CreateMtlsClient(null);
        webhook.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var management = new HttpClient();
        management.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var throughManagement = await management.GetAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/api/v1/templates"));
        using var client = server.CreateApiClient(token);
        var authorizeOnApi = await client.PostRawAsync("/authorize", "{}");

        Assert.Equal(HttpStatusCode.NotFound, throughManagement.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, authorizeOnApi.Status);
    }

    [Fact]
    public async Task In_development_the_development_issuer_replaces_the_provider()
    {
        var server = await StartServerAsync(overrides: DevelopmentIssuer(), environment: "Development");
        using var devClient = server.CreateApiClient(server.Service<AuthzWebhook.Identity.DevelopmentTokenIssuer>().Mint("alice@example.com", SreGroups, mfa: false));
        using var providerClient = server.CreateApiClient(Idp.TokenFor("alice@example.com", SreGroups));

        Assert.Equal(HttpStatusCode.OK, (await devClient.GetJsonAsync("/api/v1/templates")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await providerClient.GetJsonAsync("/api/v1/templates")).Status);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_the_development_issuer_stops_start_up(string environment)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartServerAsync(overrides: DevelopmentIssuer(), environment: environment));

        Assert.Contains("AuthzWebhook:DevelopmentIssuer:Enabled=true is refused", failure.ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> DevelopmentIssuer() => new()
    {
        ["AuthzWebhook:DevelopmentIssuer:Enabled"] = "true",
        ["AuthzWebhook:DevelopmentIssuer:SigningKeyPath"] = Path.Combine(Path.GetTempPath(), $"authz-dev-issuer-{Guid.NewGuid():N}.pem"),
    };

    private string BadToken(string kind)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = "sub-alice", ["email"] = "alice@example.com", ["groups"] = SreGroups };
        switch (kind)
        {
            case "expired":
                return Idp.Mint(claims, notBefore: now.AddHours(-2), expires: now.AddMinutes(-10));
            case "not yet valid":
                return Idp.Mint(claims, notBefore: now.AddMinutes(10), expires: now.AddMinutes(40));
            case "wrong issuer":
                return Idp.Mint(claims, issuer: "https://evil.example.com");
            case "wrong audience":
                return Idp.Mint(claims, audience: "some-other-api");
            case "wrong key":
                using (var other = RSA.Create(2048))
                {
                    // Same key id as the real one: only the signature can tell them apart.
                    return Idp.Mint(claims, key: new RsaSecurityKey(other.ExportParameters(true)) { KeyId = Idp.Key.KeyId });
                }

            case "alg none":
                return Idp.UnsignedToken("alice@example.com", SreGroups);
            case "HS256 keyed with the public key":
                return Idp.HmacWithPublicKeyToken("alice@example.com", SreGroups);
            default:
                return "not-a-jwt";
        }
    }
}
