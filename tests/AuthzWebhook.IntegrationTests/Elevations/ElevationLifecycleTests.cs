using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

public sealed class ElevationLifecycleTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task A_request_approved_by_a_lead_allows_the_review_until_it_is_revoked()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        var review = Reviews.Resource("oidc:alice@example.com", ["oidc:sre", "system:authenticated"], "get", "pods", "payments", "log");

        Assert.False((await server.ReviewAsync(review)).Allowed);

        var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT30M", reason = "INC-4711 checkout errors", ticket = "INC-4711" });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        Assert.Equal("pending", created.State);
        Assert.Equal("oidc:alice@example.com", created.Body.GetProperty("requester").GetString());
        Assert.False((await server.ReviewAsync(review)).Allowed);

        var approved = await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { comment = "go" });
        Assert.True(approved.Status == HttpStatusCode.OK, approved.ToString());
        Assert.Equal("active", approved.State);

        var allowed = await server.ReviewAsync(review);
        Assert.True(allowed.Allowed, allowed.Reason);
        Assert.Contains($"elevation {created.Id}", allowed.Reason, StringComparison.Ordinal);

        var revoked = await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/revoke", new { reason = "done" });
        Assert.True(revoked.Status == HttpStatusCode.OK, revoked.ToString());
        Assert.Equal("revoked", revoked.State);
        Assert.False((await server.ReviewAsync(review)).Allowed);

        var details = await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}");
        var actions = details.Body.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()!).ToArray();
        Assert.Equal(new[] { "requested", "approved", "activated", "revoked" }, actions);
    }
}
