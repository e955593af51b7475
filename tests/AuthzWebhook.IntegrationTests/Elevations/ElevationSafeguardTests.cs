using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>
/// The two-person rule and the approval policy hold against the ways around them: another spelling of one's own
/// name, approvals given under a looser policy, a template that grew after the request, a closed ticket.
/// </summary>
public sealed class ElevationSafeguardTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task The_requester_cannot_approve_under_another_spelling_of_their_name()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre", "sre-leads"]));
        using var shouting = server.CreateApiClient(Idp.TokenFor("Alice@Example.com", ["sre-leads"]));
        var created = await alice.PostJsonAsync("/api/v1/elevations", PodDebug("x"));

        var approve = await shouting.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });

        Assert.Equal(HttpStatusCode.Forbidden, approve.Status);
        Assert.Equal("urn:authzwebhook:problem:self-approval", approve.ProblemType);
    }

    [Fact]
    public async Task The_same_approver_under_another_spelling_counts_once()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"], mfa: true));
        using var bobAgain = server.CreateApiClient(Idp.TokenFor("BOB@example.com", ["sre-leads"], mfa: true));
        var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "cluster-admin", duration = "PT10M", reason = "x" });

        await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });
        var second = await bobAgain.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });

        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("pending", (await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}")).State);
    }

    [Fact]
    public async Task An_approval_given_before_the_policy_required_mfa_no_longer_counts()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        using var carol = server.CreateApiClient(Idp.TokenFor("carol@example.com", ["sre-leads"], mfa: true));
        await server.ReplacePolicyAsync(TestPolicies.Standard.Replace("      approvals: 1\n      approverGroups", "      approvals: 2\n      approverGroups", StringComparison.Ordinal));
        var created = await alice.PostJsonAsync("/api/v1/elevations", PodDebug("x"));
        Assert.Equal(HttpStatusCode.OK, (await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { })).Status);

        // pod-debug now also requires MFA from approvers; what it grants is unchanged, so the request stands.
        await server.ReplacePolicyAsync(TestPolicies.Standard.Replace(
            "      approvals: 1\n      approverGroups: [\"oidc:sre-leads\"]\n",
            "      approvals: 2\n      approverGroups: [\"oidc:sre-leads\"]\n      requireMfa: true\n",
            StringComparison.Ordinal));
        var approved = await carol.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });

        Assert.True(approved.Status == HttpStatusCode.OK, approved.ToString());
        Assert.Equal("pending", approved.State);
    }

    [Fact]
    public async Task A_request_whose_template_grants_more_by_approval_time_cannot_be_approved()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        var created = await alice.PostJsonAsync("/api/v1/elevations", PodDebug("x"));

        await server.ReplacePolicyAsync(TestPolicies.Standard.Replace("\"pods\", \"pods/log\", \"pods/exec\", \"events\"", "\"pods\", \"pods/log\", \"pods/exec\", \"events\", \"secrets\"", StringComparison.Ordinal));
        var approve = await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });

        Assert.Equal(HttpStatusCode.Conflict, approve.Status);
        Assert.Equal("urn:authzwebhook:problem:template-changed", approve.ProblemType);
        Assert.Equal("pending", (await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}")).State);
    }

    [Fact]
    public async Task Widening_a_template_widens_its_active_elevations_at_once_as_documented()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        var created = await alice.PostJsonAsync("/api/v1/elevations", PodDebug("INC-W1"));
        Assert.Equal("active", (await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { })).State);
        var readSecret = Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "secrets", "payments");
        await EventuallyAsync(async () => (await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments"))).Allowed, TimeSpan.FromSeconds(10), "the window to reach the index");
        Assert.False((await server.ReviewAsync(readSecret)).Allowed);

        await server.ReplacePolicyAsync(TestPolicies.Standard.Replace("\"pods\", \"pods/log\", \"pods/exec\", \"events\"", "\"pods\", \"pods/log\", \"pods/exec\", \"events\", \"secrets\"", StringComparison.Ordinal));

        // The rules in force apply to the active window: no new approval was asked for (docs/operator-guide.md, Policy changes).
        Assert.True((await server.ReviewAsync(readSecret)).Allowed);
    }

    [Fact]
    public async Task A_closed_ticket_in_any_case_ends_its_elevations_and_takes_no_new_ones()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        using var admin = server.CreateApiClient(Idp.TokenFor("dave@example.com", ["authz-admins"]));
        var lower = await alice.PostJsonAsync("/api/v1/elevations", PodDebug("inc-4711"));

        var closed = await admin.PostJsonAsync("/api/v1/tickets/INC-4711/close", new { reason = "resolved" });
        var again = await alice.PostJsonAsync("/api/v1/elevations", PodDebug("Inc-4711"));

        Assert.Equal(lower.Id, Assert.Single(closed.Body.GetProperty("ended").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("urn:authzwebhook:problem:ticket-closed", again.ProblemType);
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostJsonAsync($"/api/v1/elevations/{lower.Id}/approve", new { })).Status);
    }

    [Fact]
    public async Task A_ticket_that_could_not_be_named_in_the_close_path_is_refused_at_request_time()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));

        var created = await alice.PostJsonAsync("/api/v1/elevations", PodDebug("OPS/1"));

        Assert.Equal(HttpStatusCode.BadRequest, created.Status);
        Assert.True(created.Body.GetProperty("errors").TryGetProperty("ticket", out _), created.ToString());
    }

    [Fact]
    public async Task A_bearer_token_sent_to_the_webhook_or_the_probes_is_never_looked_at()
    {
        var server = await StartServerAsync();
        var token = Idp.TokenFor("alice@example.com", ["sre"]);
        using var webhook = server.CreateMtlsClient(Pki.ClientCertificate);
        webhook.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var probes = new HttpClient();
        probes.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var content = new StringContent(Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments"), System.Text.Encoding.UTF8, "application/json");
        using var review = await webhook.PostAsync(server.AuthorizeUri, content);
        using var health = await probes.GetAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/healthz"));

        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // Token handling would have fetched the issuer's discovery document; nothing did.
        Assert.Equal(0, Idp.RequestCount);
    }

    [Fact]
    public async Task Listeners_sharing_a_port_stop_start_up()
    {
        // Different addresses, one port: the management listener (plain HTTP) would otherwise serve /authorize.
        var port = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartServerAsync(overrides: new Dictionary<string, string?>
        {
            ["AuthzWebhook:Webhook:Port"] = port,
            ["AuthzWebhook:Management:Port"] = port,
            ["AuthzWebhook:Management:BindAddress"] = "127.0.0.2",
        }));

        Assert.Contains("must all differ", failure.ToString(), StringComparison.Ordinal);
    }

    private static object PodDebug(string ticket) =>
        new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT10M", reason = "safeguards", ticket };
}
