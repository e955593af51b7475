using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Clients;

/// <summary><c>GET /api/v1/cli-config</c> tells the CLI, before it has a token, how to sign in here; nothing in it is secret.</summary>
public sealed class CliConfigTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly Dictionary<string, string?> Cli = new()
    {
        ["AuthzWebhook:Cli:ClientId"] = "kubectl-elevate",
        ["AuthzWebhook:Cli:Scopes:0"] = "email",
        ["AuthzWebhook:Cli:Scopes:1"] = "offline_access",
    };

    [Fact]
    public async Task A_generic_issuer_is_named_with_the_public_client_and_scopes_without_a_token()
    {
        var server = await StartServerAsync(overrides: Cli);
        using var anonymous = server.CreateApiClient(null);

        var config = await anonymous.GetJsonAsync("/api/v1/cli-config");

        Assert.True(config.Status == HttpStatusCode.OK, config.ToString());
        Assert.Equal(Idp.Issuer, config.Body.GetProperty("issuer").GetString());
        Assert.Equal("kubectl-elevate", config.Body.GetProperty("client_id").GetString());
        Assert.Equal(["openid", "offline_access", "email"], config.Body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString() ?? string.Empty).ToArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, config.Body.GetProperty("entra_id").ValueKind);

        // Documented as needing no token, where every other operation needs one.
        var document = await anonymous.GetJsonAsync("/openapi/v1.json");
        Assert.Equal(0, document.Body.GetProperty("paths").GetProperty("/api/v1/cli-config").GetProperty("get").GetProperty("security").GetArrayLength());
    }

    [Fact]
    public async Task Entra_id_names_the_configured_issuer_instance_and_tenant()
    {
        using var entra = new FakeEntraId(Pki);
        var settings = new Dictionary<string, string?>(entra.Settings) { ["AuthzWebhook:Cli:ClientId"] = "cli-app", ["AuthzWebhook:Cli:Scopes:0"] = $"api://{entra.ClientId}/access_as_user" };
        var server = await StartServerAsync(overrides: settings, configureServices: entra.TrustTestCa);
        using var anonymous = server.CreateApiClient(null);

        var config = await anonymous.GetJsonAsync("/api/v1/cli-config");

        Assert.True(config.Status == HttpStatusCode.OK, config.ToString());
        Assert.Equal(entra.IssuerOf(entra.TenantId), config.Body.GetProperty("issuer").GetString());
        Assert.Equal(entra.Instance, config.Body.GetProperty("entra_id").GetProperty("instance").GetString());
        Assert.Equal(entra.TenantId, config.Body.GetProperty("entra_id").GetProperty("tenant_id").GetString());
        Assert.Contains($"api://{entra.ClientId}/access_as_user", config.Body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Without_a_cli_client_it_says_what_the_operator_sets()
    {
        var server = await StartServerAsync();
        using var anonymous = server.CreateApiClient(null);

        var config = await anonymous.GetJsonAsync("/api/v1/cli-config");

        Assert.Equal(HttpStatusCode.NotFound, config.Status);
        Assert.Equal("urn:authzwebhook:problem:cli-not-configured", config.ProblemType);
        Assert.Contains("AuthzWebhook:Cli:ClientId", config.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
