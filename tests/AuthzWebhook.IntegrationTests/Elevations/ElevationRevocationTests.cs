using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>Ending an elevation early: a pending request is cancelled, an active one revoked and its access gone at once.</summary>
public sealed class ElevationRevocationTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task The_requester_withdrawing_a_pending_request_cancels_it()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var created = await alice.PostJsonAsync(Elevations, PodDebug());

        var cancelled = await alice.PostJsonAsync($"{Elevations}/{created.Id}/revoke", new { reason = "fixed it without access" });

        Assert.True(cancelled.Status == HttpStatusCode.OK, cancelled.ToString());
        Assert.Equal("cancelled", cancelled.State);
        Assert.False(IsNull(cancelled.Body, "ended_at"));
        var last = LastHistory(cancelled);
        Assert.Equal("cancelled", last.GetProperty("action").GetString());
        Assert.Equal("oidc:" + Alice, last.GetProperty("actor").GetString());
        Assert.Equal("fixed it without access", last.GetProperty("comment").GetString());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id", created.Id));
    }

    [Fact]
    public async Task An_admin_revoking_an_active_elevation_stops_the_review_being_allowed()
    {
        var server = await StartServerAsync();
        var active = await ActivePodDebugAsync(Requester(server), Approver(server));
        var review = PodLogReview(Alice, "payments");
        Assert.True((await server.ReviewAsync(review)).Allowed);

        var revoked = await Admin(server).PostJsonAsync($"{Elevations}/{active.Id}/revoke", new { reason = "left the incident" });

        Assert.True(revoked.Status == HttpStatusCode.OK, revoked.ToString());
        Assert.Equal("revoked", revoked.State);
        Assert.Equal(["requested", "approved", "activated", "revoked"], Actions(revoked));
        Assert.Equal("oidc:" + Dave, LastHistory(revoked).GetProperty("actor").GetString());
        var after = await server.ReviewAsync(review);
        Assert.False(after.Allowed, after.Reason);
        Assert.Null(after.EvaluationError);
        Assert.Equal(0, await LiveWindowsAsync(active.Id));
    }

    [Fact]
    public async Task Revoking_twice_is_refused_with_409_and_recorded_once()
    {
        var server = await StartServerAsync();
        var active = await ActivePodDebugAsync(Requester(server), Approver(server));
        var admin = Admin(server);

        var first = await admin.PostJsonAsync($"{Elevations}/{active.Id}/revoke", new { reason = "done" });
        var second = await admin.PostJsonAsync($"{Elevations}/{active.Id}/revoke", new { reason = "done" });

        Assert.True(first.Status == HttpStatusCode.OK, first.ToString());
        Assert.True(second.Status == HttpStatusCode.Conflict, second.ToString());
        Assert.Equal("urn:authzwebhook:problem:not-open", second.ProblemType);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM elevation_history WHERE elevation_id = @id AND action = 'revoked'", active.Id));
    }

    [Fact]
    public async Task A_revocation_without_a_reason_is_refused_and_leaves_the_elevation_active()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var active = await ActivePodDebugAsync(alice, Approver(server));
        var admin = Admin(server);

        var noReason = await admin.PostJsonAsync($"{Elevations}/{active.Id}/revoke", new { });
        var empty = await admin.PostJsonAsync($"{Elevations}/{active.Id}/revoke", new { reason = "" });

        foreach (var refused in new[] { noReason, empty })
        {
            Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
            Assert.True(HasError(refused, "reason"), refused.ToString());
        }

        Assert.Equal("active", (await alice.GetJsonAsync($"{Elevations}/{active.Id}")).State);
        Assert.True((await server.ReviewAsync(PodLogReview(Alice, "payments"))).Allowed);
    }
}
