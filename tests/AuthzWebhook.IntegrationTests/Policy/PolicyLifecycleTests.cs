using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Policy;

namespace AuthzWebhook.IntegrationTests.Policy;

/// <summary>An invalid policy stops start-up; a bad edit later keeps the last good policy; a good edit takes effect.</summary>
public sealed class PolicyLifecycleTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task An_invalid_policy_stops_start_up_naming_file_line_and_field()
    {
        var invalid = TestPolicies.Standard.Replace("scope: cluster", "scope: everywhere", StringComparison.Ordinal);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartServerAsync(policy: invalid));

        var validation = Assert.IsType<PolicyValidationException>(error.GetBaseException());
        var problem = Assert.Single(validation.Errors);
        Assert.Matches(@"policy\.yaml:\d+:\d+: templates\[2\]\.scope: 'everywhere' must be 'namespaced' or 'cluster'", problem);
    }

    [Fact]
    public async Task A_bad_edit_keeps_the_last_good_policy_and_a_good_edit_takes_effect()
    {
        var server = await StartServerAsync();
        var provider = server.Service<PolicyProvider>();
        var original = provider.Current;
        var guarded = Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "secrets", "kube-system");
        Assert.True((await server.ReviewAsync(guarded)).Denied);

        server.WritePolicy(TestPolicies.Standard.Replace("mode: enforce", "mode: sometimes", StringComparison.Ordinal));
        await EventuallyAsync(() => Task.FromResult(provider.LastError is not null), TimeSpan.FromSeconds(5), "the reload error to be noticed");

        Assert.Same(original, provider.Current);
        Assert.Contains("guardrails[0].mode", provider.LastError, StringComparison.Ordinal);
        Assert.True((await server.ReviewAsync(guarded)).Denied);

        server.WritePolicy(TestPolicies.Standard.Replace("mode: enforce", "mode: audit", StringComparison.Ordinal));
        await EventuallyAsync(() => Task.FromResult(provider.LastError is null && !ReferenceEquals(original, provider.Current)), TimeSpan.FromSeconds(5), "the good edit to load");

        Assert.False((await server.ReviewAsync(guarded)).Denied);
    }
}
