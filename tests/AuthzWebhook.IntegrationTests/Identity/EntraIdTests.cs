using System.Net;
using System.Security.Cryptography;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.IdentityModel.Validators;

namespace AuthzWebhook.IntegrationTests.Identity;

/// <summary>
/// Entra ID configured as a real deployment configures it (Instance, TenantId, ClientId; no authority, metadata address
/// or audience), against a fake of the Entra endpoints: Microsoft.Identity.Web's own Entra validation accepts the
/// tenant's v2.0 access tokens and refuses other tenants', other audiences' and expired ones.
/// </summary>
public sealed class EntraIdTests(TestServers servers) : IntegrationTest(servers)
{
    // Entra puts group object ids in the groups claim.
    private static readonly string SreGroup = Guid.NewGuid().ToString();
    private static readonly string DbaGroup = Guid.NewGuid().ToString();

    private static readonly string Policy = $$"""
        apiVersion: authzwebhook/v1
        templates:
          - name: team-admin
            description: Administer team namespaces.
            scope: namespaced
            namespaces: ["team-*"]
            maxDuration: PT2H
            eligibleGroups: ["oidc:{{SreGroup}}"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
            approval:
              autoApprove: true
          - name: database-admin
            description: Administer the databases.
            scope: namespaced
            namespaces: ["databases"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:{{DbaGroup}}"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
            approval:
              autoApprove: true
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_v2_access_token_from_the_configured_tenant_is_accepted_and_maps_to_the_kubernetes_identity(bool audienceSet)
    {
        using var entra = new FakeEntraId(Pki);
        var server = await StartEntraServerAsync(entra, audienceSet ? new() { ["AuthzWebhook:Oidc:Audience"] = entra.ClientId } : null);
        using var client = server.CreateApiClient(entra.AccessToken("alice@contoso.com", [SreGroup]));

        var templates = await client.GetJsonAsync("/api/v1/templates");
        var created = await client.PostJsonAsync("/api/v1/elevations", new { template = "team-admin", namespaces = new[] { "team-payments" }, duration = "PT30M", reason = "INC-4711 checkout errors", ticket = "INC-4711" });

        Assert.True(templates.Status == HttpStatusCode.OK, templates.ToString());
        Assert.Equal(new[] { "team-admin" }, templates.Body.EnumerateArray().Select(t => t.GetProperty("name").GetString() ?? string.Empty).ToArray());
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        Assert.Equal("oidc:alice@contoso.com", created.Body.GetProperty("requester").GetString());

        // Microsoft.Identity.Web's Entra validators are the ones in force, fed by the tenant's v2.0 discovery document,
        // and then only the configured issuer passes.
        var bearer = server.Service<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        var exact = Assert.IsType<AuthzWebhook.Identity.ExactIssuerValidator>(bearer.TokenValidationParameters.IssuerValidator?.Target);
        Assert.IsType<AadIssuerValidator>(exact.Inner?.Target);
        Assert.Equal(entra.IssuerOf(entra.TenantId), bearer.Authority);
        Assert.Contains($"/{entra.TenantId}/v2.0/.well-known/openid-configuration", entra.RequestedPaths);
        Assert.Contains($"/{entra.TenantId}/discovery/v2.0/keys", entra.RequestedPaths);
    }

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "another tenant", "issuer this API does not trust" },
        { "a tenant id that is not the issuer's", "issuer this API does not trust" },
        { "another audience", "issued for another audience" },
        { "expired", "has expired" },
        { "signed by a key Entra does not publish", "signature does not verify" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_token_the_tenant_did_not_issue_for_this_api_is_refused_with_401(string kind, string reason)
    {
        using var entra = new FakeEntraId(Pki);
        var server = await StartEntraServerAsync(entra);
        using var client = server.CreateApiClient(BadToken(entra, kind));
        // The same request with a good token passes, so the refusal is the token's doing.
        using var good = server.CreateApiClient(entra.AccessToken("alice@contoso.com", [SreGroup]));

        var response = await client.GetJsonAsync("/api/v1/templates");

        Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{kind}: {response}");
        Assert.Equal("urn:authzwebhook:problem:unauthenticated", response.ProblemType);
        Assert.Contains(reason, response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await good.GetJsonAsync("/api/v1/templates")).Status);
    }

    private Task<WebhookServer> StartEntraServerAsync(FakeEntraId entra, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(entra.Settings);
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return StartServerAsync(policy: Policy, overrides: settings, configureServices: entra.TrustTestCa);
    }

    private static string BadToken(FakeEntraId entra, string kind)
    {
        var now = DateTime.UtcNow;
        var otherTenant = Guid.NewGuid().ToString();
        switch (kind)
        {
            case "another tenant":
                // Entra signs every tenant's tokens with the same keys: only the issuer check tells tenants apart.
                return entra.AccessToken("mallory@fabrikam.com", [SreGroup], tenantId: otherTenant);
            case "a tenant id that is not the issuer's":
                return entra.AccessToken("mallory@fabrikam.com", [SreGroup], extraClaims: new Dictionary<string, object> { ["tid"] = otherTenant });
            case "another audience":
                return entra.AccessToken("alice@contoso.com", [SreGroup], audience: Guid.NewGuid().ToString());
            case "expired":
                return entra.AccessToken("alice@contoso.com", [SreGroup], notBefore: now.AddHours(-2), expires: now.AddMinutes(-10));
            default:
                using (var other = RSA.Create(2048))
                {
                    return entra.AccessToken("alice@contoso.com", [SreGroup], key: new RsaSecurityKey(other.ExportParameters(true)) { KeyId = entra.Key.KeyId });
                }
        }
    }
}
