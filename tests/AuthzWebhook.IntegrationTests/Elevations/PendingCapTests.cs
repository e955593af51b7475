using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary><c>Elevations:MaxPendingPerUser</c>: one person cannot keep more requests waiting than that, however they send them.</summary>
public sealed class PendingCapTests(TestServers servers) : LifecycleTest(servers)
{
    private const string TooManyPending = "urn:authzwebhook:problem:too-many-pending";

    [Fact]
    public async Task A_request_beyond_the_cap_is_refused_and_writes_and_announces_nothing()
    {
        var server = await StartServerAsync(overrides: Settings(cap: 2, withReceiver: true));
        var alice = Requester(server);
        var first = await alice.PostJsonAsync(Elevations, PodDebug(reason: "one"));
        await alice.PostJsonAsync(Elevations, PodDebug(reason: "two"));
        var rows = await ElevationRowsAsync();
        var queued = await CountAsync("SELECT count(*) FROM notification_outbox");

        var refused = await alice.PostJsonAsync(Elevations, PodDebug(reason: "three"));

        Assert.True(refused.Status == HttpStatusCode.Conflict, refused.ToString());
        Assert.Equal(TooManyPending, refused.ProblemType);
        var detail = refused.Body.GetProperty("detail").GetString()!;
        Assert.Contains("2 requests waiting", detail, StringComparison.Ordinal);
        Assert.Contains("/revoke", detail, StringComparison.Ordinal);
        Assert.Equal(rows, await ElevationRowsAsync());
        Assert.Equal(queued, await CountAsync("SELECT count(*) FROM notification_outbox"));

        // Requests that auto-approve never wait, so the cap does not hold them back; withdrawing one makes room.
        Assert.Equal("active", (await alice.PostJsonAsync(Elevations, TeamAdmin())).State);
        await alice.PostJsonAsync($"{Elevations}/{first.Id}/revoke", new { reason = "not needed" });
        Assert.Equal(HttpStatusCode.Created, (await alice.PostJsonAsync(Elevations, PodDebug(reason: "three again"))).Status);
    }

    [Fact]
    public async Task The_cap_is_per_person_and_a_retry_with_the_same_key_is_still_a_replay()
    {
        var server = await StartServerAsync(overrides: Settings(cap: 1));
        var alice = Requester(server);
        var key = Guid.NewGuid().ToString();
        var created = await alice.PostJsonAsync(Elevations, PodDebug(), key);

        var replay = await alice.PostJsonAsync(Elevations, PodDebug(), key);
        var sameAliceOtherCase = await Api(server, "Alice@Example.com", ["sre"]).PostJsonAsync(Elevations, PodDebug(reason: "again"));
        var frank = await Api(server, "frank@example.com", ["sre"]).PostJsonAsync(Elevations, PodDebug());

        Assert.True(replay.Status == HttpStatusCode.OK, replay.ToString());
        Assert.Equal(created.Id, replay.Id);
        Assert.Equal(TooManyPending, sameAliceOtherCase.ProblemType);
        Assert.Equal(HttpStatusCode.Created, frank.Status);
    }

    [Fact]
    public async Task Parallel_requests_never_exceed_the_cap()
    {
        var server = await StartServerAsync(overrides: Settings(cap: 5));
        var alice = Requester(server);

        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await alice.PostJsonAsync(Elevations, PodDebug(reason: $"parallel {i}"));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(calls);

        Assert.Equal(5, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(15, results.Count(r => r.Status == HttpStatusCode.Conflict && r.ProblemType == TooManyPending));
        Assert.Equal(5L, await CountAsync("SELECT count(*) FROM elevations WHERE state = 'pending'"));
    }

    private static Dictionary<string, string?> Settings(int cap, bool withReceiver = false)
    {
        var settings = new Dictionary<string, string?> { ["AuthzWebhook:Elevations:MaxPendingPerUser"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (withReceiver)
        {
            // A receiver of every request, so that a refused request would show in the outbox if it queued anything.
            settings["AuthzWebhook:Notifications:Receivers:0:Name"] = "approvers";
            settings["AuthzWebhook:Notifications:Receivers:0:Url"] = "https://chat.example.com/hook";
            settings["AuthzWebhook:Notifications:Receivers:0:Format"] = "json";
            settings["AuthzWebhook:Notifications:Receivers:0:Events:0"] = "requested";
        }

        return settings;
    }
}
