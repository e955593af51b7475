using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Storage.Redis;
using AuthzWebhook.Windows;
using StackExchange.Redis;

namespace AuthzWebhook.IntegrationTests.Storage;

/// <summary>Redis holds every unexpired window under a key whose TTL is the window's time left.</summary>
public sealed class RedisWindowCacheTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task A_window_is_kept_in_Redis_for_exactly_its_time_left()
    {
        var server = await StartServerAsync();
        var window = await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(20)), default);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(Servers.RedisConfiguration);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync($"{RedisPrefix}window:{window.Id:N}");

        Assert.NotNull(ttl);
        var expected = window.ExpiresAt - DateTimeOffset.UtcNow;
        Assert.InRange(ttl.Value, expected - TimeSpan.FromSeconds(30), expected + TimeSpan.FromSeconds(1));
        var stored = Assert.Single(await server.Service<RedisWindowCache>().LoadUnexpiredAsync(default));
        Assert.Equal(window, stored with { Namespaces = window.Namespaces });
        Assert.Equal(window.Namespaces, stored.Namespaces);
    }

    [Fact]
    public async Task A_revoked_window_stays_in_Redis_as_revoked_until_it_would_have_expired()
    {
        var server = await StartServerAsync();
        var window = await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(20)), default);

        var revoked = await server.Service<WindowWriter>().RevokeAsync(window.Id, DateTimeOffset.UtcNow, default);

        var stored = Assert.Single(await server.Service<RedisWindowCache>().LoadUnexpiredAsync(default));
        Assert.NotNull(stored.RevokedAt);
        Assert.Equal(revoked!.Version, stored.Version);
    }

    [Fact]
    public async Task An_expired_window_is_not_loaded_from_Redis()
    {
        var server = await StartServerAsync();
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddSeconds(-2), TimeSpan.FromSeconds(3)), default);

        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await server.Service<RedisWindowCache>().LoadUnexpiredAsync(default));
    }
}
