using System.Net;
using AuthzWebhook.IntegrationTests.Elevations;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Explain;

/// <summary>
/// <c>GET /whoami</c> shows the Kubernetes identity a token maps to; <c>GET /status</c> the elevations the webhook
/// would honour for the caller now, in plain words, soonest to end first, and none it would not.
/// </summary>
public sealed class WhoAmIAndStatusTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task Whoami_shows_the_kubernetes_user_groups_and_roles_the_token_maps_to()
    {
        var server = await StartServerAsync();

        var alice = await Api(server, Alice, ["sre"], mfa: true).GetJsonAsync("/api/v1/whoami");
        var dave = await Admin(server).GetJsonAsync("/api/v1/whoami");

        Assert.True(alice.Status == HttpStatusCode.OK, alice.ToString());
        Assert.Equal("oidc:" + Alice, alice.Body.GetProperty("user").GetString());
        Assert.Equal(["oidc:sre", "system:authenticated"], alice.Body.GetProperty("groups").EnumerateArray().Select(g => g.GetString() ?? string.Empty).ToArray());
        Assert.Empty(alice.Body.GetProperty("roles").EnumerateArray());
        Assert.True(alice.Body.GetProperty("mfa").GetBoolean());
        Assert.Equal(["admin"], dave.Body.GetProperty("roles").EnumerateArray().Select(r => r.GetString() ?? string.Empty).ToArray());
    }

    [Fact]
    public async Task Status_lists_the_active_elevations_with_their_rules_and_time_left_and_nothing_else()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var active = await ActivePodDebugAsync(alice, Approver(server), duration: "PT20M");
        var pending = await alice.PostJsonAsync(Elevations, PodDebug(namespaces: ["billing"]));
        var revoked = await ActivePodDebugAsync(alice, Approver(server), ns: "checkout");
        await alice.PostJsonAsync($"{Elevations}/{revoked.Id}/revoke", new { reason = "done" });
        await WaitUntilFreshAsync(server);
        await EventuallyAsync(async () => (await alice.GetJsonAsync("/api/v1/status")).Body.GetProperty("elevations").GetArrayLength() == 1, TimeSpan.FromSeconds(10), "the revocation to reach the index");

        var status = await alice.GetJsonAsync("/api/v1/status");
        var other = await Api(server, Carol, ["developers"]).GetJsonAsync("/api/v1/status");

        Assert.True(status.Status == HttpStatusCode.OK, status.ToString());
        Assert.False(status.Body.GetProperty("degraded").GetBoolean());
        var only = Assert.Single(status.Body.GetProperty("elevations").EnumerateArray());
        Assert.Equal(active.Id, only.GetProperty("id").GetGuid());
        Assert.NotEqual(pending.Id, only.GetProperty("id").GetGuid());
        Assert.Equal(["payments"], only.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString() ?? string.Empty).ToArray());
        Assert.Equal(["get, list, watch, create pods, pods/log, pods/exec, events"], only.GetProperty("rules").EnumerateArray().Select(r => r.GetString() ?? string.Empty).ToArray());
        Assert.InRange(only.GetProperty("seconds_left").GetInt64(), 60, 20 * 60);
        Assert.Empty(other.Body.GetProperty("elevations").EnumerateArray());
    }

    [Fact]
    public async Task Status_leaves_out_an_elevation_the_policy_in_force_no_longer_lets_grant()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        await ActivePodDebugAsync(alice, Approver(server));
        await WaitUntilFreshAsync(server);
        Assert.Single((await alice.GetJsonAsync("/api/v1/status")).Body.GetProperty("elevations").EnumerateArray());

        // oidc:sre, the group alice was eligible through, is no longer eligible for pod-debug: the engine ignores the window.
        await server.ReplacePolicyAsync(TestPolicies.Standard.Replace("eligibleGroups: [\"oidc:sre\"]\n    rules:\n      - apiGroups: [\"\"]\n        resources: [\"pods\"", "eligibleGroups: [\"oidc:sre-leads\"]\n    rules:\n      - apiGroups: [\"\"]\n        resources: [\"pods\"", StringComparison.Ordinal));

        Assert.Empty((await alice.GetJsonAsync("/api/v1/status")).Body.GetProperty("elevations").EnumerateArray());
        Assert.False((await server.ReviewAsync(Reviews.Resource("oidc:" + Alice, ["oidc:sre"], "get", "pods", "payments"))).Allowed);
    }
}
