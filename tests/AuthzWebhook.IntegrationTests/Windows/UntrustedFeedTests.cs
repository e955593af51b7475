using System.Text.Json;
using AuthzWebhook.Hosting;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Storage.Redis;
using AuthzWebhook.Windows;
using StackExchange.Redis;

namespace AuthzWebhook.IntegrationTests.Windows;

/// <summary>
/// Whoever can write to Redis must not be able to grant access: windows announced on the change feed or stored in
/// Redis count only once Postgres confirms them. Taking access away (a revocation) needs no confirmation.
/// </summary>
public sealed class UntrustedFeedTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string Review = Reviews.Resource("oidc:mallory@example.com", ["oidc:sre"], "get", "pods", "payments");

    private async Task PublishAsync(WebhookServer server, ElevationWindow window)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Servers.RedisConfiguration);
        var message = new FeedMessage(FeedMessage.WindowKind, WindowPayload.From(window), null, DateTimeOffset.UtcNow);
        var receivers = await redis.GetSubscriber().PublishAsync(
            server.Service<RedisWindowCache>().Channel, JsonSerializer.SerializeToUtf8Bytes(message, AuthzJsonContext.Default.FeedMessage));
        Assert.True(receivers > 0, "nobody listened on the change feed");
    }

    [Fact]
    public async Task A_window_published_on_the_feed_but_absent_from_Postgres_grants_nothing()
    {
        var server = await StartServerAsync();
        var forged = UserWindow("oidc:mallory@example.com", "cluster-admin", [], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromHours(1));

        await PublishAsync(server, forged);
        await Task.Delay(1000);

        Assert.Null(server.Service<ActiveWindowIndex>().Find(forged.Id));
        Assert.False((await server.ReviewAsync(Review)).Allowed);
    }

    [Fact]
    public async Task A_forged_extension_of_a_real_window_is_replaced_by_what_Postgres_holds()
    {
        var server = await StartServerAsync();
        var real = await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:mallory@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(5)), default);

        await PublishAsync(server, real with { ExpiresAt = real.ExpiresAt.AddDays(1), Namespaces = ["payments", "kube-system"], Version = real.Version + 1 });
        await Task.Delay(1000);

        var held = server.Service<ActiveWindowIndex>().Find(real.Id);
        Assert.NotNull(held);
        Assert.Equal(real.ExpiresAt, held.ExpiresAt);
        Assert.Equal(["payments"], held.Namespaces);
        Assert.False((await server.ReviewAsync(Reviews.Resource("oidc:mallory@example.com", ["oidc:sre"], "get", "pods", "kube-system"))).Allowed);
    }

    [Fact]
    public async Task A_forged_empty_namespace_list_does_not_widen_a_window_whose_template_turned_cluster_scoped()
    {
        // No reconcile during the test: it would put back what Postgres holds and hide a forged change that applied.
        var server = await StartServerAsync(overrides: new Dictionary<string, string?>
        {
            ["AuthzWebhook:Windows:ReconcileInterval"] = "01:00:00",
            ["AuthzWebhook:Windows:StalenessBound"] = "02:00:00",
            ["AuthzWebhook:Windows:MaxTimeWithoutPostgres"] = "03:00:00",
        });
        var writer = server.Service<WindowWriter>();
        var real = await writer.CreateAsync(
            UserWindow("oidc:mallory@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(5)), default);
        var marker = await writer.CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(5)), default);
        await server.ReplacePolicyAsync(TestPolicies.Standard.Replace(
            "    scope: namespaced\n    namespaces: [\"*\"]\n", "    scope: cluster\n", StringComparison.Ordinal));
        var elsewhere = Reviews.Resource("oidc:mallory@example.com", ["oidc:sre"], "get", "pods", "kube-system");
        Assert.False((await server.ReviewAsync(elsewhere)).Allowed);

        // No namespaces is what a cluster-scoped window holds: taken from the feed, it would cover every namespace.
        // The feed is handled in order, so once the revocation published after it applies, the forged change was handled.
        await PublishAsync(server, real with { Namespaces = [], Version = real.Version + 1 });
        await PublishAsync(server, marker with { RevokedAt = DateTimeOffset.UtcNow, Version = marker.Version + 1 });
        var index = server.Service<ActiveWindowIndex>();
        await EventuallyAsync(() => Task.FromResult(index.Find(marker.Id)?.RevokedAt is not null), TimeSpan.FromSeconds(5), "the revocation after the forged change to apply");

        var held = index.Find(real.Id);
        Assert.NotNull(held);
        Assert.Equal(["payments"], held.Namespaces);
        Assert.False((await server.ReviewAsync(elsewhere)).Allowed);
    }

    [Fact]
    public async Task A_revocation_on_the_feed_takes_effect_without_waiting_for_Postgres()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?>
        {
            ["AuthzWebhook:Windows:ReconcileInterval"] = "01:00:00",
            ["AuthzWebhook:Windows:StalenessBound"] = "02:00:00",
            ["AuthzWebhook:Windows:MaxTimeWithoutPostgres"] = "03:00:00",
        });
        var real = await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:mallory@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(5)), default);
        Assert.True((await server.ReviewAsync(Review)).Allowed);

        await PublishAsync(server, real with { RevokedAt = DateTimeOffset.UtcNow, Version = real.Version + 1 });

        await EventuallyAsync(async () => !(await server.ReviewAsync(Review)).Allowed, TimeSpan.FromSeconds(5), "the revocation to apply");
    }
}
