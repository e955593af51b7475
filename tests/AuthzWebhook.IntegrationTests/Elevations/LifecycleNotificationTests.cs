using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>Transitions through the API reach configured receivers; a failing receiver never slows or fails a transition.</summary>
public sealed class LifecycleNotificationTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Each_transition_is_announced_in_order_to_the_receivers_subscribed_to_it()
    {
        using var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        var server = await StartServerAsync(overrides: Receiver("audit", receiver.Urls[0] + "/hook", "json", "requested", "approved", "activated", "revoked", "expired", "rejected"));
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));

        var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT10M", reason = "INC-7 errors", ticket = "INC-7" });
        await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { comment = "go" });
        await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/revoke", new { reason = "fixed" });

        string[] expected = ["requested", "approved", "activated", "revoked"];
        await EventuallyAsync(() => Task.FromResult(receiver.LogEntries.Count >= expected.Length), TimeSpan.FromSeconds(15), "four notifications");
        var events = receiver.LogEntries.Select(e => JsonDocument.Parse(e.RequestMessage!.Body!).RootElement).ToArray();
        Assert.Equal(expected, events.Select(e => e.GetProperty("event").GetString()!).ToArray());
        Assert.All(events, e => Assert.Equal(created.Id, e.GetProperty("elevation").GetProperty("id").GetGuid()));
        Assert.Equal("oidc:bob@example.com", events[1].GetProperty("actor").GetString());
        Assert.Equal("revoked", events[3].GetProperty("elevation").GetProperty("state").GetString());
        Assert.Equal("fixed", events[3].GetProperty("comment").GetString());
    }

    [Fact]
    public async Task A_failing_receiver_neither_delays_nor_fails_transitions_and_is_retried()
    {
        using var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().WithPath("/hook").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(500).WithDelay(TimeSpan.FromSeconds(2)));
        var overrides = Receiver("chat", receiver.Urls[0] + "/hook", "slack", "requested");
        overrides["AuthzWebhook:Notifications:InitialBackoff"] = "00:00:00.200";
        var server = await StartServerAsync(overrides: overrides);
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));

        var clock = Stopwatch.StartNew();
        var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT10M", reason = "x" });
        var took = clock.Elapsed;

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.True(took < TimeSpan.FromSeconds(2), $"the request took {took}: it waited for the receiver");
        await EventuallyAsync(() => Task.FromResult(receiver.LogEntries.Count >= 2), TimeSpan.FromSeconds(20), "a retry after the failure");
        Assert.Equal("pending", (await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}")).State);
    }

    private static Dictionary<string, string?> Receiver(string name, string url, string format, params string[] events)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AuthzWebhook:Notifications:Receivers:0:Name"] = name,
            ["AuthzWebhook:Notifications:Receivers:0:Url"] = url,
            ["AuthzWebhook:Notifications:Receivers:0:Format"] = format,
        };
        for (var i = 0; i < events.Length; i++)
        {
            settings[$"AuthzWebhook:Notifications:Receivers:0:Events:{i}"] = events[i];
        }

        return settings;
    }
}
