using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.AuditEvents;

/// <summary>sql/queries/who-used-which-path.sql on a seeded scenario: baseline use, elevated use, a revoked and an expired elevation.</summary>
public sealed class WhoUsedWhichPathTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task The_query_shows_every_use_of_each_path_with_its_elevation_approvers_ticket_and_response()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:Elevations:MinDuration"] = "00:00:01" });
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var dave = server.CreateApiClient(Idp.TokenFor("dave@example.com", ["sre"]));
        using var erin = server.CreateApiClient(Idp.TokenFor("erin@example.com", ["developers"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        var audit = new List<Dictionary<string, object?>>();

        // Baseline: carol holds nothing; RBAC lets her read config maps.
        var baseline = await server.ReviewAsync(Reviews.Resource("oidc:carol@example.com", ["oidc:developers"], "get", "configmaps", "web", name: "settings"));
        audit.Add(ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:carol@example.com", ["oidc:developers"], "get", "configmaps", "web", "settings", reason: baseline.Reason));

        // Baseline with a flag: frank's legacy admin group matches an audit-mode guardrail; RBAC lets him delete.
        var legacy = await server.ReviewAsync(Reviews.Resource("oidc:frank@example.com", ["legacy-cluster-admins"], "delete", "deployments", "payments", name: "api", group: "apps"));
        audit.Add(ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:frank@example.com", ["legacy-cluster-admins"], "delete", "deployments", "payments", "api", reason: legacy.Reason));

        // Elevated: alice's approved pod-debug, used once; and a list RBAC allowed while she held it.
        var aliceElevation = await ApprovedAsync(alice, bob, "payments", "INC-1");
        var elevated = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments", "log", name: "api-1"));
        Assert.True(elevated.Allowed, elevated.Reason);
        audit.Add(ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments", "api-1", "log", reason: elevated.Reason));
        var duringElevation = Guid.NewGuid();
        audit.Add(ApiServerAuditEvents.Event(duringElevation, "ResponseComplete", "oidc:alice@example.com", ["oidc:sre"], "list", "pods", "payments", reason: "RBAC: allowed by RoleBinding \"view/payments\""));

        // Revoked: dave used his, it was revoked, the same request then fell through to RBAC, which refused it.
        var daveElevation = await ApprovedAsync(dave, bob, "orders", "INC-2");
        var beforeRevoke = await server.ReviewAsync(Reviews.Resource("oidc:dave@example.com", ["oidc:sre"], "get", "pods", "orders", "log", name: "db-0"));
        Assert.True(beforeRevoke.Allowed);
        audit.Add(ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:dave@example.com", ["oidc:sre"], "get", "pods", "orders", "db-0", "log", reason: beforeRevoke.Reason));
        await bob.PostJsonAsync($"/api/v1/elevations/{daveElevation}/revoke", new { reason = "done" });
        var afterRevoke = await server.ReviewAsync(Reviews.Resource("oidc:dave@example.com", ["oidc:sre"], "get", "pods", "orders", "log", name: "db-0"));
        Assert.False(afterRevoke.Allowed);
        audit.Add(ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:dave@example.com", ["oidc:sre"], "get", "pods", "orders", "db-0", "log", code: 403, reason: afterRevoke.Reason, decision: "forbid"));

        // Expired: erin's auto-approved team-admin for three seconds, used, then used again after it expired.
        var erinElevation = (await erin.PostJsonAsync("/api/v1/elevations", new { template = "team-admin", namespaces = new[] { "team-a" }, duration = "PT3S", reason = "deploy fix" })).Id;
        var inTime = await server.ReviewAsync(Reviews.Resource("oidc:erin@example.com", ["oidc:developers"], "delete", "deployments", "team-a", name: "web", group: "apps"));
        Assert.True(inTime.Allowed, inTime.Reason);
        audit.Add(ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:erin@example.com", ["oidc:developers"], "delete", "deployments", "team-a", "web", reason: inTime.Reason));
        await EventuallyAsync(async () => (await erin.GetJsonAsync($"/api/v1/elevations/{erinElevation}")).State == "expired", TimeSpan.FromSeconds(15), "erin's elevation to expire");
        var late = await server.ReviewAsync(Reviews.Resource("oidc:erin@example.com", ["oidc:developers"], "delete", "deployments", "team-a", name: "web", group: "apps"));
        Assert.False(late.Allowed);
        audit.Add(ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:erin@example.com", ["oidc:developers"], "delete", "deployments", "team-a", "web", code: 403, reason: late.Reason, decision: "forbid"));

        await EventuallyAsync(async () => await CountAsync() == 7, TimeSpan.FromSeconds(15), "the seven decisions stored");
        using (var response = await server.PostAuditAsync(ApiServerAuditEvents.List([.. audit])))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var rows = await RunQueryAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));

        Assert.Equal(8, rows.Count);
        var carol = Assert.Single(rows, r => r["user_name"] as string == "oidc:carol@example.com");
        Assert.Equal(("baseline-rbac", 200, "allow", null), (carol["path"], carol["response_code"], carol["apiserver_decision"], carol["audit_guardrails"]));
        var frank = Assert.Single(rows, r => r["user_name"] as string == "oidc:frank@example.com");
        Assert.Equal(("baseline-rbac", "legacy-admin-use", "apps/deployments"), (frank["path"], frank["audit_guardrails"], frank["resource"]));
        var aliceUse = Assert.Single(rows, r => r["decision_id"] is Guid id && id == elevated.DecisionId);
        Assert.Equal(("elevation", "pod-debug", "oidc:bob@example.com", "INC-1", 200, aliceElevation), (aliceUse["path"], aliceUse["template"], aliceUse["approvers"], aliceUse["ticket"], aliceUse["response_code"], (Guid)aliceUse["elevation_id"]!));
        Assert.Equal("pods/log", aliceUse["resource"]);
        var rbac = Assert.Single(rows, r => r["audit_id"] as string == duringElevation.ToString());
        Assert.Equal(("rbac-during-elevation", aliceElevation, "INC-1"), (rbac["path"], (Guid)rbac["elevation_id"]!, rbac["ticket"]));
        var daveRows = rows.Where(r => r["user_name"] as string == "oidc:dave@example.com").ToList();
        Assert.Equal(new object?[] { "elevation", "baseline-rbac" }, daveRows.Select(r => r["path"]).ToArray());
        Assert.Equal("revoked", daveRows[0]["elevation_state"]);
        Assert.Equal((403, "forbid"), (daveRows[1]["response_code"], daveRows[1]["apiserver_decision"]));
        var erinRows = rows.Where(r => r["user_name"] as string == "oidc:erin@example.com").ToList();
        Assert.Equal(new object?[] { "elevation", "baseline-rbac" }, erinRows.Select(r => r["path"]).ToArray());
        Assert.Equal(("expired", "team-admin", "apps/deployments"), (erinRows[0]["elevation_state"], erinRows[0]["template"], erinRows[0]["resource"]));
    }

    private static async Task<Guid> ApprovedAsync(HttpClient requester, HttpClient approver, string ns, string ticket)
    {
        var created = await requester.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { ns }, duration = "PT30M", reason = "investigation", ticket });
        Assert.Equal("active", (await approver.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { })).State);
        return created.Id;
    }

    private async Task<long> CountAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM decisions", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs the query file as shipped, its psql variables bound as parameters.</summary>
    private async Task<List<Dictionary<string, object?>>> RunQueryAsync(DateTimeOffset since, DateTimeOffset until)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "AuthzWebhook.sln")))
        {
            directory = directory.Parent;
        }

        var sql = (await File.ReadAllTextAsync(Path.Combine(directory.FullName, "sql", "queries", "who-used-which-path.sql")))
            .Replace(":'since'", "@since", StringComparison.Ordinal)
            .Replace(":'until'", "@until", StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("since", since.UtcDateTime.ToString("O"));
        command.Parameters.AddWithValue("until", until.UtcDateTime.ToString("O"));
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
