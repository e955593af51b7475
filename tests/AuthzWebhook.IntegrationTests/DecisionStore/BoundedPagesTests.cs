using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.DecisionStore;

/// <summary>
/// The auditor's lists hold a bounded number of bytes per page, not only a bounded number of items: an elevation's
/// activity (audit events carrying request and response bodies) and the decision records.
/// </summary>
public sealed class BoundedPagesTests(TestServers servers) : IntegrationTest(servers)
{
    private const int PageBytes = 4 * 1024 * 1024;

    [Fact]
    public async Task Activity_pages_audit_events_by_bytes_and_the_cursor_continues_where_the_page_ended()
    {
        var server = await StartServerAsync();
        using var alice = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var bob = server.CreateApiClient(Idp.TokenFor("bob@example.com", ["sre-leads"]));
        var created = await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT30M", reason = "INC-1" });
        await bob.PostJsonAsync($"/api/v1/elevations/{created.Id}/approve", new { });
        // Five events at the RequestResponse level, 1.5 MB of body each: two fit in a page of 4 MiB.
        var stored = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            stored.Add(await InsertEventAsync(created.Id, DateTimeOffset.UtcNow.AddMinutes(-10 + i), 1_500_000));
        }

        var seen = new List<string>();
        var path = $"/api/v1/elevations/{created.Id}/activity";
        var pages = 0;
        while (path is not null)
        {
            var response = await alice.GetJsonAsync(path);
            Assert.True(response.Status == HttpStatusCode.OK, response.Text[..Math.Min(500, response.Text.Length)]);
            using var body = JsonDocument.Parse(response.Text);
            var events = body.RootElement.GetProperty("audit_events").EnumerateArray().ToList();
            Assert.True(events.Sum(e => Encoding.UTF8.GetByteCount(e.GetRawText())) <= PageBytes, $"page {pages + 1} holds more than {PageBytes} bytes of events");
            seen.AddRange(events.Select(e => e.GetProperty("auditID").GetString()!));
            pages++;
            Assert.True(pages <= 5, "more pages than events");
            path = body.RootElement.GetProperty("audit_events_next_cursor").GetString() is { } cursor
                ? $"/api/v1/elevations/{created.Id}/activity?audit_events_cursor={cursor}"
                : null;
            Assert.Equal(path is not null, body.RootElement.GetProperty("audit_events_truncated").GetBoolean());
        }

        Assert.Equal(3, pages);
        Assert.Equal(stored, seen);
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.GetJsonAsync($"/api/v1/elevations/{created.Id}/activity?audit_events_cursor=nope")).Status);
    }

    [Fact]
    public async Task Decision_pages_stop_at_the_byte_bound_before_the_row_limit()
    {
        var server = await StartServerAsync();
        using var auditor = server.CreateApiClient(Idp.TokenFor("erin@example.com", ["auditors"]));
        var ids = await StoredChains.InsertAsync(Database, "replica-a", 12, reasonLength: 1_000_000);

        var seen = new List<string>();
        var path = "/api/v1/decisions?limit=500";
        while (path is not null)
        {
            var response = await auditor.GetJsonAsync(path);
            Assert.True(response.Status == HttpStatusCode.OK, response.Text[..Math.Min(500, response.Text.Length)]);
            Assert.True(Encoding.UTF8.GetByteCount(response.Text) <= PageBytes + 64 * 1024, $"a page of {response.Text.Length} characters");
            using var body = JsonDocument.Parse(response.Text);
            seen.AddRange(body.RootElement.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("decision_id").GetString()!));
            path = body.RootElement.GetProperty("next_cursor").GetString() is { } cursor ? $"/api/v1/decisions?limit=500&cursor={cursor}" : null;
        }

        Assert.Equal(ids.Reverse().Select(i => i.ToString()), seen);
    }

    private async Task<string> InsertEventAsync(Guid elevation, DateTimeOffset at, int bodyLength)
    {
        var auditId = Guid.NewGuid().ToString();
        var e = ApiServerAuditEvents.Event(Guid.Parse(auditId), "ResponseComplete", "oidc:alice@example.com", ["oidc:sre"], "create", "configmaps", "payments", at: at);
        e["level"] = "RequestResponse";
        e["requestObject"] = new Dictionary<string, object?> { ["kind"] = "ConfigMap", ["data"] = new Dictionary<string, string> { ["blob"] = new string('x', bodyLength) } };
        var json = JsonSerializer.Serialize(e);
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO audit_events (event_key, audit_id, stage, time, received_at, user_name, verb, request_uri, elevation_id, event)
            VALUES (@key, @auditId, 'ResponseComplete', @time, @time, 'oidc:alice@example.com', 'create', '/api/v1/namespaces/payments/configmaps', @elevation, @event::json)
            """,
            connection);
        command.Parameters.AddWithValue("key", SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        command.Parameters.AddWithValue("auditId", auditId);
        command.Parameters.AddWithValue("time", at.UtcDateTime);
        command.Parameters.AddWithValue("elevation", elevation);
        command.Parameters.AddWithValue("event", json);
        await command.ExecuteNonQueryAsync();
        return auditId;
    }
}
