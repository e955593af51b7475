using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Windows;
using Microsoft.Extensions.Time.Testing;

namespace AuthzWebhook.IntegrationTests.Windows;

/// <summary>Windows reach every replica through Redis, expire at their instant, and stop allowing when revoked.</summary>
public sealed class WindowPropagationTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string[] Sre = ["oidc:sre", "system:authenticated"];

    // Reconcile far apart, so that only the Redis change feed can bring a change to the second replica in time.
    private static readonly Dictionary<string, string?> FeedOnly = new()
    {
        ["AuthzWebhook:Windows:ReconcileInterval"] = "01:00:00",
        ["AuthzWebhook:Windows:StalenessBound"] = "02:00:00",
        ["AuthzWebhook:Windows:MaxTimeWithoutPostgres"] = "03:00:00",
    };

    [Fact]
    public async Task A_window_written_through_one_instance_is_honoured_by_another_without_restart()
    {
        var writer = await StartServerAsync();
        var reader = await StartServerAsync(overrides: FeedOnly);
        var review = Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments", subresource: "log");
        Assert.False((await reader.ReviewAsync(review)).Allowed);

        var window = await writer.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMinutes(30)), default);

        await EventuallyAsync(async () => (await reader.ReviewAsync(review)).Allowed, TimeSpan.FromSeconds(5), "allow on the second instance");
        var result = await reader.ReviewAsync(review);
        Assert.Contains($"elevation {window.Id}", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_window_stops_allowing_on_every_instance()
    {
        var writer = await StartServerAsync();
        var other = await StartServerAsync(overrides: FeedOnly);
        var review = Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments");
        var window = await writer.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMinutes(30)), default);
        await EventuallyAsync(async () => (await other.ReviewAsync(review)).Allowed, TimeSpan.FromSeconds(5), "allow on the second instance");

        var revoked = await writer.Service<WindowWriter>().RevokeAsync(window.Id, DateTimeOffset.UtcNow, default);

        Assert.NotNull(revoked);
        Assert.False((await writer.ReviewAsync(review)).Allowed);
        var took = await EventuallyAsync(async () => !(await other.ReviewAsync(review)).Allowed, TimeSpan.FromSeconds(5), "revocation on the second instance");
        Assert.True(took < TimeSpan.FromSeconds(2), $"revocation took {took.TotalMilliseconds:0} ms to reach the other instance");
        Assert.Null(await writer.Service<WindowWriter>().RevokeAsync(window.Id, DateTimeOffset.UtcNow, default));
    }

    [Fact]
    public async Task A_window_expires_at_exactly_its_expiry_instant()
    {
        // Postgres keeps microseconds; start on a whole microsecond so the stored expiry is the instant the test names.
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % 10)));
        var server = await StartServerAsync(timeProvider: clock);
        var review = Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments");
        var window = await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], clock.GetUtcNow(), TimeSpan.FromSeconds(1)), default);

        clock.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        var justBefore = await server.ReviewAsync(review);
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(window.ExpiresAt, clock.GetUtcNow());
        var atExpiry = await server.ReviewAsync(review);

        Assert.True(justBefore.Allowed, justBefore.Reason);
        Assert.False(atExpiry.Allowed, atExpiry.Reason);
        // Not allowed because expired, not because the replica went stale.
        Assert.Null(atExpiry.EvaluationError);
        Assert.False((await server.WaitForRecordAsync(atExpiry.DecisionId)).GetProperty("degraded").GetBoolean());
    }

    [Fact]
    public async Task A_window_that_has_not_started_does_not_allow()
    {
        var server = await StartServerAsync();
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(5), TimeSpan.FromMinutes(30)), default);

        Assert.False((await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments"))).Allowed);
    }

    [Fact]
    public async Task A_group_window_allows_members_who_still_carry_the_eligibility_group()
    {
        var server = await StartServerAsync();
        await server.Service<WindowWriter>().CreateAsync(
            GroupWindow("oidc:oncall", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMinutes(30), eligibilityGroup: "oidc:sre"), default);

        var member = await server.ReviewAsync(Reviews.Resource("oidc:carol@example.com", ["oidc:oncall", "oidc:sre"], "get", "pods", "payments"));
        var memberWithoutEligibility = await server.ReviewAsync(Reviews.Resource("oidc:dave@example.com", ["oidc:oncall"], "get", "pods", "payments"));
        var outsider = await server.ReviewAsync(Reviews.Resource("oidc:erin@example.com", ["oidc:sre"], "get", "pods", "payments"));

        Assert.True(member.Allowed, member.Reason);
        Assert.False(memberWithoutEligibility.Allowed);
        Assert.False(outsider.Allowed);
    }

    [Fact]
    public async Task A_user_who_left_the_eligibility_group_is_no_longer_allowed()
    {
        var server = await StartServerAsync();
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMinutes(30)), default);

        var stillEligible = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments"));
        var leftTheGroup = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", ["system:authenticated"], "get", "pods", "payments"));

        Assert.True(stillEligible.Allowed);
        Assert.False(leftTheGroup.Allowed);
    }

    [Fact]
    public async Task A_window_covers_only_its_namespaces_and_its_templates_rules()
    {
        var server = await StartServerAsync();
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMinutes(30)), default);

        Assert.False((await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "billing"))).Allowed);
        Assert.False((await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "delete", "pods", "payments"))).Allowed);
        Assert.False((await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "list", "pods"))).Allowed);
        Assert.False((await server.ReviewAsync(Reviews.NonResource("oidc:alice@example.com", Sre, "get", "/metrics"))).Allowed);
        Assert.True((await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "create", "pods", "payments", subresource: "exec", name: "api-1"))).Allowed);
    }

    [Fact]
    public async Task A_restarted_instance_loads_the_windows_that_are_still_live()
    {
        var first = await StartServerAsync();
        var live = await first.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMinutes(30)), default);
        var revoked = await first.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:bob@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMinutes(30)), default);
        await first.Service<WindowWriter>().RevokeAsync(revoked.Id, DateTimeOffset.UtcNow, default);

        var second = await StartServerAsync();

        Assert.NotNull(second.Service<ActiveWindowIndex>().Find(live.Id));
        Assert.True((await second.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments"))).Allowed);
        Assert.False((await second.ReviewAsync(Reviews.Resource("oidc:bob@example.com", Sre, "get", "pods", "payments"))).Allowed);
    }
}
