using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>An elevation's history grows with every extension, without limit; reading one shows the latest entries within a stated bound.</summary>
public sealed class HistoryBoundTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task An_elevation_with_more_history_than_shown_returns_the_latest_entries_and_says_so()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var active = await ActivePodDebugAsync(alice, Approver(server));
        // As if extended 600 times: two entries each (requested, approved).
        await CountAsync(
            """
            INSERT INTO elevation_history (elevation_id, at, actor, action, from_state, to_state, comment)
            SELECT @id, now() + n * interval '1 second', 'oidc:alice@example.com', 'extension ' || n, 'active', 'active', repeat('x', 2000)
              FROM generate_series(1, 1200) n
            """,
            active.Id);

        var read = await alice.GetJsonAsync($"{Elevations}/{active.Id}");

        Assert.True(read.Status == HttpStatusCode.OK, read.ToString());
        var history = read.Body.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(1000, history.Count);
        Assert.Equal("extension 1200", history[^1].GetProperty("action").GetString());
        Assert.Equal("extension 201", history[0].GetProperty("action").GetString());
        Assert.True(read.Body.GetProperty("history_truncated").GetBoolean());
        Assert.False((await alice.GetJsonAsync($"{Elevations}/{(await alice.PostJsonAsync(Elevations, PodDebug())).Id}")).Body.GetProperty("history_truncated").GetBoolean());
    }
}
