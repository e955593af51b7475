using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.AuditEvents;

/// <summary>
/// The API server's audit webhook posts EventLists to /audit; the events that concern decisions or elevations are stored and
/// linked, each on its own: one odd event never costs the others.
/// </summary>
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

    [Fact]
    public async Task In_a_batch_of_odd_events_every_good_one_is_stored_and_shown_the_odd_ones_kept_as_far_as_they_go()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        var elevation = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT30M", reason = "INC-2" });
        await bob.PostJsonAsync($"/api/v1/elevations/{elevation.Id}/approve", new { });
        var allowed = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments", "log", name: "api-1"));
        Assert.True(allowed.Allowed, allowed.Reason);
        await EventuallyAsync(async () => await ScalarAsync("SELECT count(*) FROM decisions") == 1, TimeSpan.FromSeconds(15), "the decision stored");

        Dictionary<string, object?> Cites(string verb = "get", DateTimeOffset? at = null) =>
            ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, verb, "pods", "payments", "api-1", "log", reason: allowed.Reason, at: at);
        var good = Cites();
        // A request with a bad token: the API server audits it with "user": {}.
        var noUser = Cites();
        noUser["user"] = new Dictionary<string, object?>();
        // Audit-ID is whatever the client sent; two requests may share one, and each is kept.
        var clientChosen = Cites(at: DateTimeOffset.UtcNow.AddSeconds(-2));
        clientChosen["auditID"] = "client-chosen";
        var clientChosenAgain = Cites("delete");
        clientChosenAgain["auditID"] = "client-chosen";
        // %00 in the URI is a NUL in the object name.
        var nul = Cites();
        ((Dictionary<string, object?>)nul["objectRef"]!)["name"] = "api\0-1";
        var longUri = Cites();
        longUri["requestURI"] = "/api/v1/namespaces/payments/pods?labelSelector=" + new string('a', 20 * 1024);
        var items = new object?[] { good, noUser, clientChosen, clientChosenAgain, 42, nul, longUri };
        var body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?> { ["kind"] = "EventList", ["apiVersion"] = "audit.k8s.io/v1", ["items"] = items });

        var first = await PostAsync(server, body);
        var again = await PostAsync(server, body);

        Assert.True(first.Status == HttpStatusCode.OK, first.Text);
        Assert.Contains("7 events received, 6 concern elevations or decisions, 6 newly stored; 1 skipped (items[4]: not an object)", first.Text, StringComparison.Ordinal);
        Assert.True(again.Status == HttpStatusCode.OK, again.Text);
        Assert.Contains("0 newly stored", again.Text, StringComparison.Ordinal);

        var activity = await alice.GetJsonAsync($"/api/v1/elevations/{elevation.Id}/activity");
        Assert.True(activity.Status == HttpStatusCode.OK, activity.ToString());
        var shown = activity.Body.GetProperty("audit_events").EnumerateArray().ToList();
        Assert.Equal(6, shown.Count);
        Assert.Equal(2, shown.Count(e => e.GetProperty("auditID").GetString() == "client-chosen"));
        Assert.Contains(shown, e => e.GetProperty("auditID").GetString() == (string)good["auditID"]!);
        Assert.Contains(shown, e => e.GetProperty("objectRef").GetProperty("name").GetString() == "api\uFFFD-1");

        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{noUser["auditID"]}' AND user_name = '' AND NOT truncated"));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{nul["auditID"]}' AND name = 'api\uFFFD-1' AND replaced AND NOT truncated"));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{longUri["auditID"]}' AND length(request_uri) = 16384 AND truncated"));
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM audit_events WHERE audit_id = 'client-chosen'"));
    }

    public static TheoryData<string, string> BadBatches() => new()
    {
        { "not json", "malformed JSON" },
        { """{"kind":"EventList","apiVersion":"audit.k8s.io/v1beta1","items":[]}""", "audit.k8s.io/v1" },
        { """{"kind":"EventList","apiVersion":"audit.k8s.io/v1"}""", "items" },
        { """{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"4d10b80f-b5cd-493b-a367-12ee4d4a9d1a","stage":"ResponseComplete"}""", "EventList" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task A_body_that_is_not_an_event_list_gets_a_clear_400_and_stores_nothing(string body, string expected)
    {
        var server = await StartServerAsync();

        var response = await PostAsync(server, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(expected, response.Text, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM audit_events"));
    }

    [Fact]
    public async Task An_impersonated_request_is_kept_under_the_impersonated_users_elevation_never_the_impersonators()
    {
        var server = await StartServerAsync();
        var alices = UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30));
        var carols = UserWindow("oidc:carol@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30));
        await server.Service<AuthzWebhook.Windows.WindowWriter>().CreateAsync(alices, default);
        await server.Service<AuthzWebhook.Windows.WindowWriter>().CreateAsync(carols, default);
        await EventuallyAsync(() => Task.FromResult(server.Service<AuthzWebhook.Windows.ActiveWindowIndex>().ForUser("oidc:carol@example.com").Length > 0), TimeSpan.FromSeconds(10), "both windows in the index");

        // Carol acts as alice (RBAC allowed it, so the event cites no decision), then as dave, who holds no elevation.
        var asAlice = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:carol@example.com", ["oidc:support"], "list", "pods", "payments", reason: "RBAC: allowed");
        asAlice["impersonatedUser"] = new Dictionary<string, object?> { ["username"] = "oidc:alice@example.com", ["groups"] = Sre };
        var asDave = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:carol@example.com", ["oidc:support"], "list", "pods", "payments", reason: "RBAC: allowed");
        asDave["impersonatedUser"] = new Dictionary<string, object?> { ["username"] = "oidc:dave@example.com", ["groups"] = Sre };

        var posted = await PostAsync(server, ApiServerAuditEvents.List(asAlice, asDave));

        Assert.True(posted.Status == HttpStatusCode.OK, posted.Text);
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{asAlice["auditID"]}' AND elevation_id = '{alices.Id}' AND user_name = 'oidc:carol@example.com' AND impersonated_user = 'oidc:alice@example.com'"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE elevation_id = '{carols.Id}'"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{asDave["auditID"]}'"));
    }

    [Fact]
    public async Task An_event_missing_its_verb_is_stored_beside_the_others_and_an_oversized_batch_is_refused()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:AuditSink:MaxBodyBytes"] = "65536" });
        var good = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, "get", "pods", "payments", reason: $"decision {Guid.CreateVersion7()}: allowed");
        var odd = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, "get", "pods", "payments", reason: $"decision {Guid.CreateVersion7()}: allowed");
        odd.Remove("verb");

        var mixed = await PostAsync(server, ApiServerAuditEvents.List(good, odd));
        var huge = await PostAsync(server, ApiServerAuditEvents.List([.. Enumerable.Range(0, 200).Select(_ => good)]));

        Assert.True(mixed.Status == HttpStatusCode.OK, mixed.Text);
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM audit_events"));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{odd["auditID"]}' AND verb = ''"));
        Assert.Equal(HttpStatusCode.BadRequest, huge.Status);
        Assert.Contains("larger than 65536 bytes", huge.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stage_cut_inside_a_surrogate_pair_is_stored_beside_the_others()
    {
        var server = await StartServerAsync();
        var reason = $"decision {Guid.CreateVersion7()}: allowed";
        var good = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, "get", "pods", "payments", reason: reason);
        // The stage column keeps 32 characters: the 32nd is the first half of an emoji.
        var odd = ApiServerAuditEvents.Event(Guid.NewGuid(), new string('a', 31) + "\U0001F600", "oidc:alice@example.com", Sre, "get", "pods", "payments", reason: reason);

        var posted = await PostAsync(server, ApiServerAuditEvents.List(good, odd));

        Assert.True(posted.Status == HttpStatusCode.OK, posted.Text);
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM audit_events"));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{odd["auditID"]}' AND stage = '{new string('a', 31)}' AND truncated"));
    }

    [Fact]
    public async Task An_event_postgres_refuses_for_good_costs_only_itself()
    {
        var server = await StartServerAsync();
        // A rule of this database stands in for any value Postgres cannot take (SQLSTATE class 23 here).
        await ScalarAsync("ALTER TABLE audit_events ADD CONSTRAINT refuses_one CHECK (verb <> 'refused-verb') NOT VALID");
        var reason = $"decision {Guid.CreateVersion7()}: allowed";
        var good = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, "get", "pods", "payments", reason: reason);
        var other = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, "list", "pods", "payments", reason: reason);
        var refused = ApiServerAuditEvents.Event(Guid.NewGuid(), "ResponseComplete", "oidc:alice@example.com", Sre, "refused-verb", "pods", "payments", reason: reason);

        var posted = await PostAsync(server, ApiServerAuditEvents.List(good, refused, other));

        Assert.True(posted.Status == HttpStatusCode.OK, posted.Text);
        Assert.Contains("2 newly stored; 1 refused by the database", posted.Text, StringComparison.Ordinal);
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM audit_events"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE audit_id = '{refused["auditID"]}'"));
        // Kept all the same, as the event's bytes, with why.
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_events_rejected WHERE sqlstate = '23514' AND convert_from(event, 'UTF8')::json->>'auditID' = '{refused["auditID"]}'"));
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
