using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>Extending an active elevation: approved as its template says, bounded by the template's maximum, requester only.</summary>
public sealed class ElevationExtensionTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task An_extension_waits_for_approval_and_then_moves_the_expiry_by_its_duration()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var bob = Approver(server);
        var active = await ActivePodDebugAsync(alice, bob, duration: "PT20M");
        var expiresAt = Time(active.Body, "expires_at");

        var requested = await alice.PostJsonAsync($"{Elevations}/{active.Id}/extend", new { duration = "PT15M", reason = "still digging" });

        Assert.True(requested.Status == HttpStatusCode.OK, requested.ToString());
        Assert.Equal("active", requested.State);
        Assert.Equal("PT15M", requested.Body.GetProperty("pending_extension").GetProperty("duration").GetString());
        Assert.Equal("still digging", requested.Body.GetProperty("pending_extension").GetProperty("reason").GetString());
        Assert.Equal(expiresAt, Time(requested.Body, "expires_at"));

        var approved = await bob.PostJsonAsync($"{Elevations}/{active.Id}/approve", new { comment = "ok" });

        Assert.True(approved.Status == HttpStatusCode.OK, approved.ToString());
        Assert.Equal("active", approved.State);
        Assert.True(IsNull(approved.Body, "pending_extension"));
        Assert.Equal(expiresAt + TimeSpan.FromMinutes(15), Time(approved.Body, "expires_at"));
        Assert.Equal(["requested", "approved", "activated", "extension requested", "extension approved", "extended"], Actions(approved));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id AND expires_at = (SELECT expires_at FROM elevations WHERE id = @id)", active.Id));
    }

    [Fact]
    public async Task A_second_extension_while_one_is_waiting_is_refused_with_409()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var active = await ActivePodDebugAsync(alice, Approver(server), duration: "PT20M");
        await alice.PostJsonAsync($"{Elevations}/{active.Id}/extend", new { duration = "PT10M", reason = "more" });

        var second = await alice.PostJsonAsync($"{Elevations}/{active.Id}/extend", new { duration = "PT5M", reason = "even more" });

        Assert.True(second.Status == HttpStatusCode.Conflict, second.ToString());
        Assert.Equal("urn:authzwebhook:problem:extension-pending", second.ProblemType);
        var details = await alice.GetJsonAsync($"{Elevations}/{active.Id}");
        Assert.Equal("PT10M", details.Body.GetProperty("pending_extension").GetProperty("duration").GetString());
    }

    [Fact]
    public async Task An_extension_that_would_leave_more_than_the_maximum_from_now_is_refused()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var active = await ActivePodDebugAsync(alice, Approver(server), duration: "PT50M");

        // 50 minutes left plus 20 more would be 70 minutes of access from now; pod-debug allows PT1H at a time.
        var refused = await alice.PostJsonAsync($"{Elevations}/{active.Id}/extend", new { duration = "PT20M", reason = "long one" });

        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
        Assert.True(HasError(refused, "duration"), refused.ToString());
        var details = await alice.GetJsonAsync($"{Elevations}/{active.Id}");
        Assert.True(IsNull(details.Body, "pending_extension"));
        Assert.Equal(Time(active.Body, "expires_at"), Time(details.Body, "expires_at"));
        Assert.DoesNotContain("extension requested", Actions(details));
    }

    [Fact]
    public async Task A_rejected_extension_leaves_the_elevation_active_until_its_old_expiry()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var bob = Approver(server);
        var active = await ActivePodDebugAsync(alice, bob, duration: "PT20M");
        await alice.PostJsonAsync($"{Elevations}/{active.Id}/extend", new { duration = "PT10M", reason = "more" });

        var rejected = await bob.PostJsonAsync($"{Elevations}/{active.Id}/reject", new { comment = "wrap up" });

        Assert.True(rejected.Status == HttpStatusCode.OK, rejected.ToString());
        Assert.Equal("active", rejected.State);
        Assert.True(IsNull(rejected.Body, "pending_extension"));
        Assert.Equal(Time(active.Body, "expires_at"), Time(rejected.Body, "expires_at"));
        Assert.Equal("extension rejected", LastHistory(rejected).GetProperty("action").GetString());
        Assert.True((await server.ReviewAsync(PodLogReview(Alice, "payments"))).Allowed);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id AND expires_at = (SELECT expires_at FROM elevations WHERE id = @id)", active.Id));

        var again = await alice.PostJsonAsync($"{Elevations}/{active.Id}/extend", new { duration = "PT5M", reason = "five minutes" });
        Assert.True(again.Status == HttpStatusCode.OK, again.ToString());
    }

    [Fact]
    public async Task An_extension_of_an_auto_approved_template_applies_at_once()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var active = await alice.PostJsonAsync(Elevations, TeamAdmin("team-a", "PT30M"));

        var extended = await alice.PostJsonAsync($"{Elevations}/{active.Id}/extend", new { duration = "PT30M", reason = "migration runs long" });

        Assert.True(extended.Status == HttpStatusCode.OK, extended.ToString());
        Assert.True(IsNull(extended.Body, "pending_extension"));
        Assert.Equal(Time(active.Body, "expires_at") + TimeSpan.FromMinutes(30), Time(extended.Body, "expires_at"));
        Assert.Equal("extended", LastHistory(extended).GetProperty("action").GetString());
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id AND expires_at = (SELECT expires_at FROM elevations WHERE id = @id)", active.Id));
    }

    [Fact]
    public async Task Only_the_requester_may_extend()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var bob = Approver(server);
        var active = await ActivePodDebugAsync(alice, bob);

        var byApprover = await bob.PostJsonAsync($"{Elevations}/{active.Id}/extend", new { duration = "PT10M", reason = "for her" });
        var byColleague = await Api(server, "frank@example.com", ["sre"]).PostJsonAsync($"{Elevations}/{active.Id}/extend", new { duration = "PT10M", reason = "for her" });

        Assert.True(byApprover.Status == HttpStatusCode.Forbidden, byApprover.ToString());
        Assert.Equal("urn:authzwebhook:problem:not-requester", byApprover.ProblemType);

        // A colleague who may not even see the elevation is told it does not exist.
        Assert.True(byColleague.Status == HttpStatusCode.NotFound, byColleague.ToString());

        Assert.True(IsNull((await alice.GetJsonAsync($"{Elevations}/{active.Id}")).Body, "pending_extension"));
    }
}
