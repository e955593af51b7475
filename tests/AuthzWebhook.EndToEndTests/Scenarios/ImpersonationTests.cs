namespace AuthzWebhook.EndToEndTests.Scenarios;

/// <summary>
/// <c>kubectl --as</c>: the API server first asks whether the impersonator may impersonate, then asks about the request
/// as the impersonated user. The webhook decides for the impersonated user (whose elevation it is); the API server's audit
/// event names both, and the audit sink keeps it with the elevation's activity under the same decision id.
/// </summary>
[Collection(EndToEndDefinition.Name)]
public sealed class ImpersonationTests(EndToEndEnvironment env)
{
    [Fact]
    public async Task The_webhook_decides_for_the_impersonated_user_and_the_audit_trail_names_both()
    {
        var server = env.WebhookFirst;
        var alice = await env.SignInAsync("alice.impersonated@example.com", "sre");
        var carol = await env.SignInAsync("carol.impersonator@example.com", "support");
        await env.ApplyAsync(server, "carol-impersonates", Rbac.Impersonation("carol-impersonates", carol.UserName, [alice.UserName], ["oidc:sre"]));
        var id = await env.Api.RequestAsync(alice, "pod-debug", ["payments"]);
        await env.Api.ApproveAsync(await env.ApproverAsync(), id);

        var asAlice = await server.Person.RunAsync(carol.Token, "get", "pods", "-n", "payments", "--as", alice.UserName, "--as-group", "oidc:sre");

        Assert.True(asAlice.Succeeded, asAlice.ToString());
        // The impersonation check is carol's (RBAC grants it, the webhook had no opinion); the request is alice's.
        Assert.Contains(env.RecordsOf(carol), r => r.Request("verb") == "impersonate" && r.Request("resource") == "users" && r.Request("name") == alice.UserName);
        var allowed = Assert.Single(env.RecordsOf(alice), r => r.Request("resource") == "pods" && r.Request("verb") == "list" && r.Outcome() == "allow");
        Assert.Equal(id.ToString(), allowed.GetProperty("elevation_id").GetString());
        Assert.DoesNotContain(env.RecordsOf(carol), r => r.Request("resource") == "pods");

        await Eventually.HoldsAsync(async () =>
        {
            var activity = await env.Api.ActivityAsync(alice, id);
            return activity.GetProperty("audit_events").EnumerateArray().Any(e =>
                e.GetProperty("user").GetProperty("username").GetString() == carol.UserName
                && e.TryGetProperty("impersonatedUser", out var impersonated)
                && impersonated.GetProperty("username").GetString() == alice.UserName
                && e.GetProperty("annotations").GetProperty("authorization.k8s.io/reason").GetString()!.Contains(allowed.DecisionId().ToString(), StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(20), "the audit event naming carol and alice in the elevation's activity", TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Impersonating_the_user_without_the_eligible_group_is_not_covered_by_the_elevation()
    {
        var server = env.WebhookFirst;
        var alice = await env.SignInAsync("alice.impersonated-without-group@example.com", "sre");
        var carol = await env.SignInAsync("carol.impersonator-without-group@example.com", "support");
        await env.ApplyAsync(server, "carol-impersonates-user", Rbac.Impersonation("carol-impersonates-user", carol.UserName, [alice.UserName], ["nobody"]));
        var id = await env.Api.RequestAsync(alice, "pod-debug", ["payments"]);
        await env.Api.ApproveAsync(await env.ApproverAsync(), id);

        var asAlice = await server.Person.RunAsync(carol.Token, "get", "pods", "-n", "payments", "--as", alice.UserName);

        // The elevation holds only while its eligibility group (oidc:sre) is among the review's groups.
        Assert.True(asAlice.Forbidden, asAlice.ToString());
        Assert.Contains(env.RecordsOf(alice), r => r.Request("resource") == "pods" && r.Outcome() == "no_opinion");
    }
}
