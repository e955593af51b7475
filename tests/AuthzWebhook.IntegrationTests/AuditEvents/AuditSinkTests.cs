using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.AuditEvents;

/// <summary>The API server's audit webhook posts EventLists to /audit; the events that concern decisions or elevations are stored and linked.</summary>
public sealed class AuditSinkTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string[] Sre = ["oidc:sre", "system:authenticated"];

    [Fact]
    public async Task Events_citing_a_decision_or_made_under_an_elevation_are_stored_linked_and_only_once()
    {
        var server = await StartServerAsync();
        var window = UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30));
        await server.Service<AuthzWebhook.Windows.WindowWriter>().CreateAsync(window, default);
        var allowed = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments", "log", name: "api-1"));
        Assert.True(allowed.Allowed);
        await EventuallyAsync(async () => await ScalarAsync("SELECT count(*) FROM decisions") == 1, TimeSpan.FromSeconds(15), "the decision stored");

        var viaWebhook = Guid.NewGuid();
        var underWindow = Guid.NewGuid();
        var unrelated = Guid.NewGuid();
        var body = ApiServerAuditEvents.List(
            ApiServerAuditEvents.Event(viaWebhook, "RequestReceived", "oidc:alice@example.com", Sre, "get", "pods", "payments", "api-1", "log", code: 0, reason: allowed.Reason),
            ApiServerAuditEvents.Event(viaWebhook, "ResponseComplete", "oidc:alice@example.com", Sre, "get", "pods", "payments", "api-1", "log", reason: allowed.Reason),
            ApiServerAuditEvents.Event(underWindow, "ResponseComplete", "oidc:alice@example.com", Sre, "list", "pods", "payments", reason: "RBAC: allowed by RoleBinding \"view\""),
            ApiServerAuditEvents.Event(unrelated, "ResponseComplete", "oidc:carol@example.com", ["oidc:developers"], "get", "configmaps", "web"));

        var first = await PostAsync(server, body);
        var again = await PostAsync(server, body);

        Assert.True(first.Status == HttpStatusCode.OK, first.Text);
        Assert.Contains("4 events received, 3 concern elevations or decisions, 3 newly stored", first.Text, StringComparison.Ordinal);
        Assert.Contains("0 newly stored", again.Text, StringComparison.Ordinal);
        Assert.Equal(3L, await ScalarAsync("SELECT count(*) FROM audit_events"));
        Assert.Equal(2L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE decision_id = '{allowed.DecisionId}' AND elevation_id = '{window.Id}'"));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{underWindow}' AND decision_id IS NULL AND elevation_id = '{window.Id}' AND response_code = 200"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{unrelated}'"));
    }

    public static TheoryData<string, string> BadBatches() => new()
    {
        { "not json", "malformed JSON" },
        { """{"kind":"EventList","apiVersion":"audit.k8s.io/v1beta1","items":[]}""", "audit.k8s.io/v1" },
        { """{"kind":"EventList","apiVersion":"audit.k8s.io/v1"}""", "items" },
        { """{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"auditID":"not-a-uuid","stage":"ResponseComplete"}]}""", "items[0]: auditID" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task A_malformed_batch_gets_a_clear_400_and_stores_nothing(string body, string expected)
    {
        var server = await StartServerAsync();

        var response = await PostAsync(server, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(expected, response.Text, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM audit_events"));
    }

    [Fact]
    public async Task A_batch_with_one_bad_event_stores_none_of_it_and_an_oversized_one_is_refused()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:AuditSink:MaxBodyBytes"] = "65536" });
        var good = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, "get", "pods", "payments", reason: $"decision {Guid.CreateVersion7()}: allowed");
        var bad = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, "get", "pods", "payments");
        bad.Remove("verb");

        var mixed = await PostAsync(server, ApiServerAuditEvents.List(good, bad));
        var huge = await PostAsync(server, ApiServerAuditEvents.List([.. Enumerable.Range(0, 200).Select(_ => good)]));

        Assert.Equal(HttpStatusCode.BadRequest, mixed.Status);
        Assert.Contains("items[1]", mixed.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, huge.Status);
        Assert.Contains("larger than 65536 bytes", huge.Text, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM audit_events"));
    }

    private static async Task<(HttpStatusCode Status, string Text)> PostAsync(WebhookServer server, string body)
    {
        using var response = await server.PostAuditAsync(body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
