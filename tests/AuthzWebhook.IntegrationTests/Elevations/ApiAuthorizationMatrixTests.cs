using System.Net;
using System.Text;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>
/// Every endpoint against every kind of caller, each case on fresh state, with the status each must get. One table,
/// so that a change in who may do what shows up as a row that no longer matches.
/// </summary>
public sealed class ApiAuthorizationMatrixTests(TestServers servers) : IntegrationTest(servers)
{
    private const string Anonymous = "anonymous";
    private const string Requester = "requester";
    private const string Other = "other user";
    private const string Approver = "approver";
    private const string Admin = "admin";
    private const string Auditor = "auditor";

    private static readonly string[] Personas = [Anonymous, Requester, Other, Approver, Admin, Auditor];

    // endpoint → expected status per persona, in the order of Personas.
    private static readonly (string Endpoint, int[] Expected)[] Matrix =
    [
        ("GET /templates", [401, 200, 200, 200, 200, 200]),
        ("POST /elevations", [401, 201, 403, 403, 403, 403]),
        ("GET /elevations", [401, 200, 200, 200, 200, 200]),
        // Under the default visibility (involved) an uninvolved user is told nothing, not even that the id exists,
        // whether reading it or acting on it.
        ("GET /elevations/{id}", [401, 200, 404, 200, 200, 200]),
        ("POST /elevations/{id}/approve", [401, 403, 404, 200, 403, 403]),
        ("POST /elevations/{id}/reject", [401, 403, 404, 200, 403, 403]),
        ("POST /elevations/{id}/revoke", [401, 200, 404, 200, 200, 403]),
        ("POST /elevations/{id}/extend", [401, 200, 404, 403, 403, 403]),
        ("POST /tickets/{ticket}/close", [401, 403, 403, 403, 200, 403]),
        ("GET /decisions", [401, 403, 403, 403, 200, 200]),
        ("GET /decisions/verify", [401, 403, 403, 403, 200, 200]),
        ("GET /elevations/{id}/activity", [401, 200, 404, 403, 200, 200]),
    ];

    [Fact]
    public async Task Every_endpoint_answers_each_kind_of_caller_as_the_contract_says()
    {
        // Each case leaves its own request, most of them waiting: more than the default cap of open requests.
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:Elevations:MaxPendingPerUser"] = "100" });
        var tokens = new Dictionary<string, string?>
        {
            [Anonymous] = null,
            [Requester] = Idp.TokenFor("alice@example.com", ["sre"]),
            [Other] = Idp.TokenFor("carol@example.com", ["developers"]),
            [Approver] = Idp.TokenFor("bob@example.com", ["sre-leads"]),
            [Admin] = Idp.TokenFor("dave@example.com", ["authz-admins"]),
            [Auditor] = Idp.TokenFor("erin@example.com", ["auditors"]),
        };
        using var requester = server.CreateApiClient(tokens[Requester]);
        using var approver = server.CreateApiClient(tokens[Approver]);
        var mismatches = new StringBuilder();

        foreach (var (endpoint, expected) in Matrix)
        {
            for (var i = 0; i < Personas.Length; i++)
            {
                // Fresh state for every case: a pending request (active for extend), on its own ticket.
                var ticket = $"INC-{Guid.NewGuid():N}"[..16];
                var pending = await requester.PostJsonAsync("/api/v1/elevations", Request(ticket));
                Assert.True(pending.Status == HttpStatusCode.Created, pending.ToString());
                if (endpoint.EndsWith("/extend", StringComparison.Ordinal))
                {
                    var approved = await approver.PostJsonAsync($"/api/v1/elevations/{pending.Id}/approve", new { });
                    Assert.Equal("active", approved.State);
                }

                using var client = server.CreateApiClient(tokens[Personas[i]]);
                var response = await CallAsync(client, endpoint, pending.Id, ticket);
                if ((int)response.Status != expected[i])
                {
                    mismatches.AppendLine($"{endpoint} as {Personas[i]}: expected {expected[i]}, got {response}");
                }
            }
        }

        Assert.True(mismatches.Length == 0, mismatches.ToString());
    }

    [Fact]
    public async Task The_incident_tool_may_close_tickets_and_nothing_more_than_any_user()
    {
        var server = await StartServerAsync();
        using var requester = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));
        using var tool = server.CreateApiClient(Idp.TokenFor("pagerbot@example.com", ["incident-tool"]));
        var pending = await requester.PostJsonAsync("/api/v1/elevations", Request("INC-9"));

        var closed = await tool.PostJsonAsync("/api/v1/tickets/INC-9/close", new { reason = "incident resolved" });
        var approve = await tool.PostJsonAsync($"/api/v1/elevations/{pending.Id}/approve", new { });

        Assert.True(closed.Status == HttpStatusCode.OK, closed.ToString());
        Assert.Equal(pending.Id, closed.Body.GetProperty("ended")[0].GetProperty("id").GetGuid());
        Assert.Equal("cancelled", closed.Body.GetProperty("ended")[0].GetProperty("state").GetString());
        // The tool is not involved in the request: to it the request does not exist.
        Assert.Equal(HttpStatusCode.NotFound, approve.Status);
    }

    private static object Request(string ticket) =>
        new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT20M", reason = "matrix case", ticket };

    private static Task<ApiResponse> CallAsync(HttpClient client, string endpoint, Guid id, string ticket) => endpoint switch
    {
        "GET /templates" => client.GetJsonAsync("/api/v1/templates"),
        "POST /elevations" => client.PostJsonAsync("/api/v1/elevations", Request(ticket + "x")),
        "GET /elevations" => client.GetJsonAsync("/api/v1/elevations"),
        "GET /elevations/{id}" => client.GetJsonAsync($"/api/v1/elevations/{id}"),
        "POST /elevations/{id}/approve" => client.PostJsonAsync($"/api/v1/elevations/{id}/approve", new { comment = "ok" }),
        "POST /elevations/{id}/reject" => client.PostJsonAsync($"/api/v1/elevations/{id}/reject", new { comment = "no" }),
        "POST /elevations/{id}/revoke" => client.PostJsonAsync($"/api/v1/elevations/{id}/revoke", new { reason = "done" }),
        "POST /elevations/{id}/extend" => client.PostJsonAsync($"/api/v1/elevations/{id}/extend", new { duration = "PT10M", reason = "more time" }),
        "POST /tickets/{ticket}/close" => client.PostJsonAsync($"/api/v1/tickets/{ticket}/close", new { reason = "resolved" }),
        "GET /decisions" => client.GetJsonAsync("/api/v1/decisions"),
        "GET /decisions/verify" => client.GetJsonAsync("/api/v1/decisions/verify"),
        "GET /elevations/{id}/activity" => client.GetJsonAsync($"/api/v1/elevations/{id}/activity"),
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
    };
}
