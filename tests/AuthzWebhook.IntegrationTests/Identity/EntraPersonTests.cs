using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Identity;

/// <summary>
/// One Entra ID account is one person, whichever token it signs in with: the service accepts the one token version its
/// configured issuer names (as the API server accepts its one <c>--oidc-issuer-url</c>), identifies the person by tenant
/// and object id, and derives the default username prefix from the configured issuer, never from a token.
/// </summary>
public sealed class EntraPersonTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string SreGroup = Guid.NewGuid().ToString();
    private static readonly string LeadsGroup = Guid.NewGuid().ToString();

    private static readonly string Policy = $$"""
        apiVersion: authzwebhook/v1
        templates:
          - name: team-admin
            description: Administer team namespaces.
            scope: namespaced
            namespaces: ["team-*"]
            maxDuration: PT2H
            eligibleGroups: ["{{SreGroup}}", "{{LeadsGroup}}"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
            approval:
              approverGroups: ["{{LeadsGroup}}"]
              approvals: 1
          - name: prod-admin
            description: Administer production, two approvals.
            scope: namespaced
            namespaces: ["prod"]
            maxDuration: PT1H
            eligibleGroups: ["{{SreGroup}}"]
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
            approval:
              approverGroups: ["{{LeadsGroup}}"]
              approvals: 2
        """;

    private static readonly object TeamAdmin = new { template = "team-admin", namespaces = new[] { "team-payments" }, duration = "PT30M", reason = "INC-4711 checkout errors" };

    [Fact]
    public async Task A_v1_token_of_the_requester_cannot_approve_what_their_v2_token_requested()
    {
        using var entra = new FakeEntraId(Pki);
        // The API server's default for any claim but email: the username is prefixed with the issuer URL.
        var server = await StartAsync(entra, new() { ["AuthzWebhook:Identity:UsernameClaim"] = "sub", ["AuthzWebhook:Identity:UsernamePrefix"] = null });
        var account = Account();
        using var v2 = server.CreateApiClient(entra.AccessToken("lead@contoso.com", [LeadsGroup], extraClaims: account));
        using var v1 = server.CreateApiClient(entra.AccessToken("lead@contoso.com", [LeadsGroup], extraClaims: account, v1: true));

        var created = await v2.PostJsonAsync("/api/v1/elevations", TeamAdmin);
        var approved = await v1.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });

        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        Assert.Equal($"{entra.IssuerOf(entra.TenantId)}#{account["sub"]}", created.Body.GetProperty("requester").GetString());
        Assert.True(approved.Status == HttpStatusCode.Unauthorized, approved.ToString());
        Assert.Contains("AuthzWebhook:Identity:IssuerUrl", approved.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("pending", (await v2.GetJsonAsync($"/api/v1/elevations/{created.Id}")).State);
    }

    [Fact]
    public async Task The_configured_issuer_may_name_v1_tokens_and_then_v2_tokens_are_refused()
    {
        using var entra = new FakeEntraId(Pki);
        var server = await StartAsync(entra, new() { ["AuthzWebhook:Identity:IssuerUrl"] = FakeEntraId.V1IssuerOf(entra.TenantId) });
        using var v1 = server.CreateApiClient(entra.AccessToken("alice@contoso.com", [SreGroup], v1: true));
        using var v2 = server.CreateApiClient(entra.AccessToken("alice@contoso.com", [SreGroup]));

        Assert.Equal(HttpStatusCode.OK, (await v1.GetJsonAsync("/api/v1/templates")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await v2.GetJsonAsync("/api/v1/templates")).Status);
    }

    [Fact]
    public async Task One_account_approving_twice_under_two_usernames_is_counted_once()
    {
        using var entra = new FakeEntraId(Pki);
        var server = await StartAsync(entra);
        using var requester = server.CreateApiClient(entra.AccessToken("alice@contoso.com", [SreGroup]));
        // The same account (tenant and object id) before and after its email changed, each token with its own sub.
        var account = new Dictionary<string, object> { ["oid"] = Guid.NewGuid().ToString() };
        using var before = server.CreateApiClient(entra.AccessToken("bob@contoso.com", [LeadsGroup], extraClaims: account));
        using var after = server.CreateApiClient(entra.AccessToken("robert@contoso.com", [LeadsGroup], extraClaims: account));
        using var carol = server.CreateApiClient(entra.AccessToken("carol@contoso.com", [LeadsGroup]));

        var created = await requester.PostJsonAsync("/api/v1/elevations", new { template = "prod-admin", namespaces = new[] { "prod" }, duration = "PT30M", reason = "INC-9 database" });
        var first = await before.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });
        var again = await after.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });
        var between = await requester.GetJsonAsync($"/api/v1/elevations/{created.Id}");
        var second = await carol.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });

        Assert.True(first.Status == HttpStatusCode.OK && first.State == "pending", first.ToString());
        Assert.True(again.Status == HttpStatusCode.Conflict, again.ToString());
        Assert.Equal("urn:authzwebhook:problem:already-approved", again.ProblemType);
        Assert.Equal("pending", between.State);
        Assert.True(second.State == "active", second.ToString());
    }

    [Fact]
    public async Task The_requester_under_another_username_cannot_approve_their_own_request()
    {
        using var entra = new FakeEntraId(Pki);
        var server = await StartAsync(entra);
        var account = new Dictionary<string, object> { ["oid"] = Guid.NewGuid().ToString() };
        using var asLead = server.CreateApiClient(entra.AccessToken("lead@contoso.com", [LeadsGroup], extraClaims: account));
        using var asAlias = server.CreateApiClient(entra.AccessToken("lead.alias@contoso.com", [LeadsGroup], extraClaims: account));

        var created = await asLead.PostJsonAsync("/api/v1/elevations", TeamAdmin);
        var approved = await asAlias.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });

        Assert.True(approved.Status == HttpStatusCode.Forbidden, approved.ToString());
        Assert.Equal("urn:authzwebhook:problem:self-approval", approved.ProblemType);
    }

    [Fact]
    public async Task An_entra_token_without_an_object_id_is_refused()
    {
        using var entra = new FakeEntraId(Pki);
        var server = await StartAsync(entra);
        using var client = server.CreateApiClient(entra.AccessToken("alice@contoso.com", [SreGroup], extraClaims: new Dictionary<string, object> { ["oid"] = string.Empty }));

        var response = await client.GetJsonAsync("/api/v1/templates");

        Assert.True(response.Status == HttpStatusCode.Unauthorized, response.ToString());
        Assert.Contains("oid", response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>An account's ids, the same in its v1.0 and v2.0 tokens.</summary>
    private static Dictionary<string, object> Account() => new()
    {
        ["oid"] = Guid.NewGuid().ToString(),
        ["sub"] = "sub-" + Guid.NewGuid().ToString("N"),
    };

    private Task<WebhookServer> StartAsync(FakeEntraId entra, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(entra.Settings)
        {
            ["AuthzWebhook:Identity:GroupsPrefix"] = string.Empty,
            ["AuthzWebhook:Identity:UsernamePrefix"] = "aad:",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return StartServerAsync(policy: Policy, overrides: settings, configureServices: entra.TrustTestCa);
    }
}
