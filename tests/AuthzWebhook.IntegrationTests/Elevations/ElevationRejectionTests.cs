using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>Rejecting a pending request: a comment is required, and a rejected request never opens a window.</summary>
public sealed class ElevationRejectionTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task A_rejection_without_a_comment_is_refused_and_changes_nothing()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var bob = Approver(server);
        var created = await alice.PostJsonAsync(Elevations, PodDebug());

        var noComment = await bob.PostJsonAsync($"{Elevations}/{created.Id}/reject", new { });
        var blank = await bob.PostJsonAsync($"{Elevations}/{created.Id}/reject", new { comment = "   " });
        var noBody = await bob.PostRawAsync($"{Elevations}/{created.Id}/reject", null);

        foreach (var refused in new[] { noComment, blank })
        {
            Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
            Assert.True(HasError(refused, "comment"), refused.ToString());
        }

        Assert.True(noBody.Status is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, noBody.ToString());
        var details = await alice.GetJsonAsync($"{Elevations}/{created.Id}");
        Assert.Equal("pending", details.State);
        Assert.Equal(["requested"], Actions(details));
    }

    [Fact]
    public async Task A_rejected_request_ends_there_and_a_later_approval_opens_no_window()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var created = await alice.PostJsonAsync(Elevations, PodDebug());

        var rejected = await Approver(server).PostJsonAsync($"{Elevations}/{created.Id}/reject", new { comment = "not during the freeze" });
        var approved = await Api(server, Carol, ["sre-leads"]).PostJsonAsync($"{Elevations}/{created.Id}/approve", new { });

        Assert.True(rejected.Status == HttpStatusCode.OK, rejected.ToString());
        Assert.Equal("rejected", rejected.State);
        Assert.False(IsNull(rejected.Body, "ended_at"));
        Assert.True(IsNull(rejected.Body, "pending_until"));
        var last = LastHistory(rejected);
        Assert.Equal("rejected", last.GetProperty("action").GetString());
        Assert.Equal("oidc:" + Bob, last.GetProperty("actor").GetString());
        Assert.Equal("not during the freeze", last.GetProperty("comment").GetString());

        Assert.True(approved.Status == HttpStatusCode.Conflict, approved.ToString());
        Assert.Equal("urn:authzwebhook:problem:not-pending", approved.ProblemType);
        Assert.Equal("rejected", (await alice.GetJsonAsync($"{Elevations}/{created.Id}")).State);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id", created.Id));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM elevation_approvals WHERE elevation_id = @id", created.Id));
        Assert.False((await server.ReviewAsync(PodLogReview(Alice, "payments"))).Allowed);
    }
}
