using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary><c>POST /api/v1/tickets/{ticket}/close</c> ends everything still open under that ticket and nothing else.</summary>
public sealed class TicketCloseTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task Closing_a_ticket_ends_every_open_elevation_bound_to_it_and_nothing_else()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var bob = Approver(server);
        var admin = Admin(server);
        var active = await ActivePodDebugAsync(alice, bob, "payments", ticket: "INC-100");
        var pending = await alice.PostJsonAsync(Elevations, PodDebug(["payments"], ticket: "INC-100"));
        var other = await ActivePodDebugAsync(alice, bob, "orders", ticket: "INC-200");
        var rejected = await alice.PostJsonAsync(Elevations, PodDebug(["payments"], ticket: "INC-100"));
        await bob.PostJsonAsync($"{Elevations}/{rejected.Id}/reject", new { comment = "duplicate" });
        Assert.True((await server.ReviewAsync(PodLogReview(Alice, "payments"))).Allowed);

        var closed = await admin.PostJsonAsync("/api/v1/tickets/INC-100/close", new { reason = "incident resolved" });

        Assert.True(closed.Status == HttpStatusCode.OK, closed.ToString());
        Assert.Equal("INC-100", closed.Body.GetProperty("ticket").GetString());
        var ended = closed.Body.GetProperty("ended").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetGuid(), e => e.GetProperty("state").GetString());
        Assert.Equal(2, ended.Count);
        Assert.Equal("revoked", ended[active.Id]);
        Assert.Equal("cancelled", ended[pending.Id]);
        Assert.Equal("active", (await alice.GetJsonAsync($"{Elevations}/{other.Id}")).State);
        Assert.Equal("rejected", (await alice.GetJsonAsync($"{Elevations}/{rejected.Id}")).State);
        var revokedHistory = LastHistory(await alice.GetJsonAsync($"{Elevations}/{active.Id}"));
        Assert.Equal("oidc:" + Dave, revokedHistory.GetProperty("actor").GetString());
        Assert.Contains("incident resolved", revokedHistory.GetProperty("comment").GetString(), StringComparison.Ordinal);

        Assert.False((await server.ReviewAsync(PodLogReview(Alice, "payments"))).Allowed);
        Assert.True((await server.ReviewAsync(PodLogReview(Alice, "orders"))).Allowed);

        var again = await admin.PostJsonAsync("/api/v1/tickets/INC-100/close", new { reason = "incident resolved" });
        Assert.True(again.Status == HttpStatusCode.OK, again.ToString());
        Assert.Equal(0, again.Body.GetProperty("ended").GetArrayLength());
    }

    [Fact]
    public async Task Closing_a_ticket_needs_a_reason()
    {
        var server = await StartServerAsync();
        var pending = await Requester(server).PostJsonAsync(Elevations, PodDebug(ticket: "INC-300"));

        var refused = await Admin(server).PostJsonAsync("/api/v1/tickets/INC-300/close", new { });

        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
        Assert.True(HasError(refused, "reason"), refused.ToString());
        Assert.Equal("pending", (await Requester(server).GetJsonAsync($"{Elevations}/{pending.Id}")).State);
    }
}
