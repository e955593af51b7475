using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>Who may approve what (two-person rule, approver groups, MFA), and when the clock of an elevation starts.</summary>
public sealed class ElevationApprovalTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task Approval_by_the_requester_is_refused_even_when_the_requester_is_an_approver()
    {
        var server = await StartServerAsync();
        var lead = Api(server, Alice, ["sre", "sre-leads"]);
        var created = await lead.PostJsonAsync(Elevations, PodDebug());

        var refused = await lead.PostJsonAsync($"{Elevations}/{created.Id}/approve", new { comment = "me" });
        var rejectOwn = await lead.PostJsonAsync($"{Elevations}/{created.Id}/reject", new { comment = "me" });

        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());
        Assert.Equal("urn:authzwebhook:problem:self-approval", refused.ProblemType);
        Assert.Equal("urn:authzwebhook:problem:self-approval", rejectOwn.ProblemType);
        Assert.Equal("pending", (await lead.GetJsonAsync($"{Elevations}/{created.Id}")).State);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM elevation_approvals WHERE elevation_id = @id", created.Id));
    }

    [Fact]
    public async Task Approval_by_someone_outside_the_approver_groups_is_refused()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var colleague = Api(server, "frank@example.com", ["sre", "authz-admins"]);
        var created = await alice.PostJsonAsync(Elevations, PodDebug());

        var refused = await colleague.PostJsonAsync($"{Elevations}/{created.Id}/approve", new { });

        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());
        Assert.Equal("urn:authzwebhook:problem:not-an-approver", refused.ProblemType);
        Assert.Equal("pending", (await alice.GetJsonAsync($"{Elevations}/{created.Id}")).State);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM elevation_approvals WHERE elevation_id = @id", created.Id));
    }

    [Fact]
    public async Task Cluster_admin_approvals_count_only_from_a_multi_factor_sign_in()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var created = await alice.PostJsonAsync(Elevations, new { template = "cluster-admin", duration = "PT15M", reason = "INC-9 control plane" });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        Assert.Equal(2, created.Body.GetProperty("required_approvals").GetInt32());

        var withoutMfa = await Approver(server, mfa: false).PostJsonAsync($"{Elevations}/{created.Id}/approve", new { });
        Assert.True(withoutMfa.Status == HttpStatusCode.Forbidden, withoutMfa.ToString());
        Assert.Equal("urn:authzwebhook:problem:mfa-required", withoutMfa.ProblemType);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM elevation_approvals WHERE elevation_id = @id", created.Id));

        var first = await Approver(server, mfa: true).PostJsonAsync($"{Elevations}/{created.Id}/approve", new { comment = "ok" });
        Assert.True(first.Status == HttpStatusCode.OK, first.ToString());
        Assert.Equal("pending", first.State);
        var approval = Assert.Single(first.Body.GetProperty("approvals").EnumerateArray());
        Assert.Equal("oidc:" + Bob, approval.GetProperty("approver").GetString());
        Assert.True(approval.GetProperty("mfa").GetBoolean());

        var second = await Api(server, Carol, ["sre-leads"], mfa: true).PostJsonAsync($"{Elevations}/{created.Id}/approve", new { });
        Assert.True(second.State == "active", second.ToString());
        Assert.Equal(1, await LiveWindowsAsync(created.Id));
    }

    [Fact]
    public async Task The_same_approver_approving_twice_is_refused_and_counted_once()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var bob = Approver(server, mfa: true);
        var created = await alice.PostJsonAsync(Elevations, new { template = "cluster-admin", duration = "PT15M", reason = "INC-9 control plane" });

        var first = await bob.PostJsonAsync($"{Elevations}/{created.Id}/approve", new { });
        var again = await bob.PostJsonAsync($"{Elevations}/{created.Id}/approve", new { });

        Assert.True(first.Status == HttpStatusCode.OK, first.ToString());
        Assert.True(again.Status == HttpStatusCode.Conflict, again.ToString());
        Assert.Equal("urn:authzwebhook:problem:already-approved", again.ProblemType);
        var details = await alice.GetJsonAsync($"{Elevations}/{created.Id}");
        Assert.Equal("pending", details.State);
        Assert.Single(details.Body.GetProperty("approvals").EnumerateArray());
        Assert.Equal(["requested", "approved"], Actions(details));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id", created.Id));
    }

    [Fact]
    public async Task The_clock_starts_at_activation_not_when_the_request_was_made()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = await StartServerAsync(timeProvider: time);
        var alice = Requester(server);
        var created = await alice.PostJsonAsync(Elevations, PodDebug(duration: "PT30M"));
        Assert.True(IsNull(created.Body, "activated_at") && IsNull(created.Body, "expires_at"), created.ToString());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id", created.Id));

        time.Advance(TimeSpan.FromMinutes(20));
        var approved = await Approver(server).PostJsonAsync($"{Elevations}/{created.Id}/approve", new { });

        Assert.True(approved.State == "active", approved.ToString());
        var requestedAt = Time(approved.Body, "created_at");
        var activatedAt = Time(approved.Body, "activated_at");
        var expiresAt = Time(approved.Body, "expires_at");
        Assert.Equal(TimeSpan.FromMinutes(20), activatedAt - requestedAt);
        Assert.Equal(TimeSpan.FromMinutes(30), expiresAt - activatedAt);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM elevation_windows WHERE id = @id AND starts_at = (SELECT activated_at FROM elevations WHERE id = @id) AND expires_at = (SELECT expires_at FROM elevations WHERE id = @id)", created.Id));

        // 49 minutes after the request, 29 after activation: a clock started at the request would have run out.
        time.Advance(TimeSpan.FromMinutes(29));
        await WaitUntilFreshAsync(server);
        var review = await server.ReviewAsync(PodLogReview(Alice, "payments"));
        Assert.True(review.Allowed, review.Reason);
        Assert.Equal("active", (await alice.GetJsonAsync($"{Elevations}/{created.Id}")).State);
    }
}
