using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>Transitions racing each other through the API against the real database end in exactly one consistent state.</summary>
public sealed class ElevationRaceTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Concurrent_approvals_activate_once_with_exactly_the_required_number_counted()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        var approvers = Enumerable.Range(1, 6).Select(i => server.CreateApiClient(Idp.TokenFor($"lead{i}@example.com", ["sre-leads"], mfa: true))).ToArray();
        var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "cluster-admin", duration = "PT15M", reason = "INC-1 outage" });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());

        using var start = new ManualResetEventSlim();
        var calls = approvers.Select(c => Task.Run(async () =>
        {
            start.Wait();
            return await c.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { comment = "yes" });
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(calls);

        Assert.Equal(2, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(4, results.Count(r => r.Status == HttpStatusCode.Conflict));
        var final = await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}");
        Assert.Equal("active", final.State);
        Assert.Equal(2, final.Body.GetProperty("approvals").GetArrayLength());
        Assert.Equal(1, final.Body.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("action").GetString() == "activated"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM elevation_windows WHERE id = @id", created.Id));
        foreach (var client in approvers)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Approve_and_reject_racing_end_in_exactly_one_state()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        using var carol = server.CreateApiClient(Idp.TokenFor("carol@example.com", ["sre-leads"]));

        for (var round = 0; round < 10; round++)
        {
            var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT10M", reason = $"race {round}" });
            var approve = bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });
            var reject = carol.PostJsonAsync($"/api/v1/elevations/{created.Id}/reject", new { comment = "not now" });
            var results = await Task.WhenAll(approve, reject);

            Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.OK));
            Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.Conflict));
            var final = (await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}")).State;
            var windows = await ScalarAsync("SELECT count(*) FROM elevation_windows WHERE id = @id", created.Id);
            Assert.True(
                (final == "active" && windows == 1 && results[0].Status == HttpStatusCode.OK) || (final == "rejected" && windows == 0 && results[1].Status == HttpStatusCode.OK),
                $"round {round}: state {final}, windows {windows}, approve {results[0]}, reject {results[1]}");
        }
    }

    [Fact]
    public async Task Approval_after_revocation_changes_nothing_and_grants_nothing()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT10M", reason = "x" });

        var cancelled = await alice.PostJsonAsync($"/api/v1/elevations/{created.Id}/revoke", new { reason = "not needed" });
        var approve = await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });

        Assert.Equal("cancelled", cancelled.State);
        Assert.Equal(HttpStatusCode.Conflict, approve.Status);
        Assert.Equal("cancelled", (await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}")).State);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM elevation_windows WHERE id = @id", created.Id));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM elevation_approvals WHERE elevation_id = @id", created.Id));
        var review = Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments");
        Assert.False((await server.ReviewAsync(review)).Allowed);
    }

    [Fact]
    public async Task Approval_after_the_pending_deadline_expires_the_request_instead()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = await StartServerAsync(timeProvider: time);
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT10M", reason = "x" });

        time.Advance(TimeSpan.FromHours(25));
        var approve = await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });

        Assert.Equal(HttpStatusCode.Conflict, approve.Status);
        Assert.Equal("expired", (await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}")).State);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM elevation_windows WHERE id = @id", created.Id));
    }

    [Fact]
    public async Task Revoke_racing_approve_never_leaves_a_live_window()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));

        for (var round = 0; round < 10; round++)
        {
            var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT10M", reason = $"race {round}" });
            await Task.WhenAll(
                bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { }),
                alice.PostJsonAsync($"/api/v1/elevations/{created.Id}/revoke", new { reason = "changed my mind" }));

            var final = (await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}")).State;
            Assert.Contains(final, new[] { "cancelled", "revoked" });
            Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM elevation_windows WHERE id = @id AND revoked_at IS NULL", created.Id));
        }

        var review = Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments");
        Assert.False((await server.ReviewAsync(review)).Allowed);
    }

    private async Task<long> ScalarAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
