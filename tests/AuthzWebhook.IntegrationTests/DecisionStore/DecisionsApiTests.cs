using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.DecisionStore;

/// <summary>Auditors read stored decisions through the API, check their chains there, and see what an elevation was used for.</summary>
public sealed class DecisionsApiTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string[] Sre = ["oidc:sre", "system:authenticated"];

    [Fact]
    public async Task An_elevations_decisions_are_listed_paged_verified_and_shown_as_its_activity()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        using var auditor = server.CreateApiClient(Idp.TokenFor("erin@example.com", ["auditors"]));
        using var carol = server.CreateApiClient(Idp.TokenFor("carol@example.com", ["developers"]));
        var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT30M", reason = "INC-1" });
        await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });
        var allowed = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var result = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments", "log", name: $"api-{i}"));
            Assert.True(result.Allowed, result.Reason);
            allowed.Add(result.DecisionId);
        }

        var other = await server.ReviewAsync(Reviews.Resource("oidc:carol@example.com", ["oidc:developers"], "get", "secrets", "payments"));
        await EventuallyAsync(async () => await CountAsync() == 6, TimeSpan.FromSeconds(15), "six records stored");

        var first = await auditor.GetJsonAsync($"/api/v1/decisions?elevation_id={created.Id}&limit=3");
        Assert.True(first.Status == HttpStatusCode.OK, first.ToString());
        var second = await auditor.GetJsonAsync($"/api/v1/decisions?elevation_id={created.Id}&limit=3&cursor={first.Body.GetProperty("next_cursor").GetString()}");
        var listed = first.Body.GetProperty("items").EnumerateArray().Concat(second.Body.GetProperty("items").EnumerateArray())
            .Select(r => Guid.Parse(r.GetProperty("decision_id").GetString()!)).ToList();
        Assert.Equal(allowed.AsEnumerable().Reverse(), listed);
        Assert.Equal(JsonNull, second.Body.GetProperty("next_cursor").ValueKind);
        var denied = await auditor.GetJsonAsync("/api/v1/decisions?decision=no_opinion&user=oidc:carol@example.com");
        Assert.Equal(other.DecisionId, Guid.Parse(Assert.Single(denied.Body.GetProperty("items").EnumerateArray()).GetProperty("decision_id").GetString()!));
        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetJsonAsync("/api/v1/decisions?since=yesterday")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetJsonAsync("/api/v1/decisions")).Status);

        var verified = await auditor.GetJsonAsync("/api/v1/decisions/verify");
        Assert.True(verified.Body.GetProperty("intact").GetBoolean(), verified.ToString());
        Assert.Equal(6, verified.Body.GetProperty("records").GetInt64());

        using (var posted = await server.PostAuditAsync(ApiServerAuditEvents.List(
            ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, "get", "pods", "payments", "api-0", "log", reason: $"decision {allowed[0]}: allowed"))))
        {
            Assert.True(posted.IsSuccessStatusCode);
        }

        var activity = await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}/activity");
        Assert.True(activity.Status == HttpStatusCode.OK, activity.ToString());
        Assert.Equal(5, activity.Body.GetProperty("decisions").GetArrayLength());
        Assert.Equal("pods", Assert.Single(activity.Body.GetProperty("audit_events").EnumerateArray()).GetProperty("objectRef").GetProperty("resource").GetString());
        Assert.Equal("active", activity.Body.GetProperty("elevation").GetProperty("state").GetString());
        // carol is not involved: under the default visibility the elevation is not found for her.
        Assert.Equal(HttpStatusCode.NotFound, (await carol.GetJsonAsync($"/api/v1/elevations/{created.Id}/activity")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetJsonAsync($"/api/v1/elevations/{created.Id}/activity")).Status);

        // Someone with write access to the database turns a no-opinion into an allow: the chain check names the record.
        await ExecuteAsync($"UPDATE decisions SET record = replace(record::text, '\"decision\":\"no_opinion\"', '\"decision\":\"allow\"')::json WHERE decision_id = '{other.DecisionId}'");
        var tampered = await auditor.GetJsonAsync("/api/v1/decisions/verify");
        Assert.False(tampered.Body.GetProperty("intact").GetBoolean());
        var problem = Assert.Single(tampered.Body.GetProperty("problems").EnumerateArray());
        Assert.Equal("edit", problem.GetProperty("kind").GetString());
        Assert.Equal(other.DecisionId, Guid.Parse(problem.GetProperty("decision_id").GetString()!));
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    private async Task<long> CountAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM decisions", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
