using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>The expiry job: active elevations past their expiry and requests past their deadline end by themselves.</summary>
public sealed class ElevationExpiryTests(TestServers servers) : LifecycleTest(servers)
{
    // A fake clock moved by a day runs every periodic timer once per period; minute periods keep that to a few thousand.
    private static readonly Dictionary<string, string?> CoarseTimers = new()
    {
        ["AuthzWebhook:Windows:HeartbeatInterval"] = "00:01:00",
        ["AuthzWebhook:Windows:StalenessBound"] = "00:03:00",
        ["AuthzWebhook:Elevations:ExpiryCheckInterval"] = "00:01:00",
        ["AuthzWebhook:Policy:ReloadInterval"] = "00:01:00",
    };

    [Fact]
    public async Task An_active_elevation_past_its_expiry_is_marked_expired_by_the_system_and_no_longer_allowed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = await StartServerAsync(timeProvider: time);
        var alice = Requester(server);
        var active = await alice.PostJsonAsync(Elevations, TeamAdmin("team-a", "PT10M"));
        var review = Reviews.Resource("oidc:" + Alice, ["oidc:sre"], "get", "pods", "team-a");
        Assert.True((await server.ReviewAsync(review)).Allowed);

        time.Advance(TimeSpan.FromMinutes(9));
        await WaitUntilFreshAsync(server);
        Assert.True((await server.ReviewAsync(review)).Allowed);
        Assert.Equal("active", (await alice.GetJsonAsync($"{Elevations}/{active.Id}")).State);

        time.Advance(TimeSpan.FromMinutes(2));
        await EventuallyAsync(async () => (await alice.GetJsonAsync($"{Elevations}/{active.Id}")).State == "expired", TimeSpan.FromSeconds(10), "the elevation marked expired");

        var details = await alice.GetJsonAsync($"{Elevations}/{active.Id}");
        var last = LastHistory(details);
        Assert.Equal("expired", last.GetProperty("action").GetString());
        Assert.Equal("system", last.GetProperty("actor").GetString());
        Assert.Equal("active", last.GetProperty("from").GetString());
        Assert.Equal(Time(details.Body, "expires_at"), Time(details.Body, "ended_at"));
        await WaitUntilFreshAsync(server);
        var after = await server.ReviewAsync(review);
        Assert.False(after.Allowed, after.Reason);
        Assert.Null(after.EvaluationError);
    }

    [Fact]
    public async Task A_request_nobody_decided_by_its_deadline_is_marked_expired_as_timed_out()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = await StartServerAsync(timeProvider: time, overrides: CoarseTimers);
        var alice = Requester(server);
        var created = await alice.PostJsonAsync(Elevations, PodDebug());
        Assert.Equal(TimeSpan.FromHours(24), Time(created.Body, "pending_until") - Time(created.Body, "created_at"));

        time.Advance(TimeSpan.FromHours(23));
        Assert.Equal("pending", (await alice.GetJsonAsync($"{Elevations}/{created.Id}")).State);

        time.Advance(TimeSpan.FromHours(1));
        await EventuallyAsync(async () => (await alice.GetJsonAsync($"{Elevations}/{created.Id}")).State == "expired", TimeSpan.FromSeconds(10), "the request marked expired");

        var details = await alice.GetJsonAsync($"{Elevations}/{created.Id}");
        var last = LastHistory(details);
        Assert.Equal("timed out", last.GetProperty("action").GetString());
        Assert.Equal("system", last.GetProperty("actor").GetString());
        Assert.Equal("pending", last.GetProperty("from").GetString());
        Assert.True(IsNull(details.Body, "activated_at"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id", created.Id));
    }
}
