using System.Net;
using System.Text;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary><c>GET /api/v1/elevations</c> and <c>GET /api/v1/elevations/{id}</c>: keyset paging, filters, and refusals.</summary>
public sealed class ElevationListTests(TestServers servers) : LifecycleTest(servers)
{
    [Fact]
    public async Task Paging_walks_every_elevation_newest_first_without_gaps_or_duplicates_while_new_ones_arrive()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await alice.PostJsonAsync(Elevations, PodDebug(reason: $"request {i}"))).Id);
        }

        var seen = new List<Guid>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = await alice.GetJsonAsync($"{Elevations}?limit=2" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            var items = page.Body.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToArray();
            seen.AddRange(items);
            sizes.Add(items.Length);
            cursor = page.Body.GetProperty("next_cursor").GetString();
            if (sizes.Count == 1)
            {
                // Arrives between pages: newer than everything already listed, so later pages must not show it.
                await alice.PostJsonAsync(Elevations, PodDebug(reason: "late arrival"));
            }
        }
        while (cursor is not null && sizes.Count < 10);

        Assert.Equal([2, 2, 1], sizes);
        Assert.Equal(Enumerable.Reverse(created), seen);
    }

    [Fact]
    public async Task A_last_page_that_is_exactly_full_has_no_next_cursor()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        for (var i = 0; i < 4; i++)
        {
            await alice.PostJsonAsync(Elevations, PodDebug(reason: $"request {i}"));
        }

        var first = await alice.GetJsonAsync($"{Elevations}?limit=2");
        var second = await alice.GetJsonAsync($"{Elevations}?limit=2&cursor=" + Uri.EscapeDataString(first.Body.GetProperty("next_cursor").GetString()!));

        Assert.Equal(2, second.Body.GetProperty("items").GetArrayLength());
        Assert.True(IsNull(second.Body, "next_cursor"), second.ToString());
    }

    [Fact]
    public async Task State_user_and_ticket_filters_narrow_the_list()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var bob = Approver(server);
        var erin = Api(server, Erin, ["developers"]);
        var aliceActive = await ActivePodDebugAsync(alice, bob, ticket: "INC-1");
        var alicePending = (await alice.PostJsonAsync(Elevations, PodDebug(ticket: "INC-2"))).Id;
        var erinActive = (await erin.PostJsonAsync(Elevations, TeamAdmin("team-a", ticket: "INC-1"))).Id;

        // An admin sees everyone's elevations whatever the visibility; the filters narrow from there.
        var admin = Admin(server);
        async Task<Guid[]> ListAsync(string query)
        {
            var page = await admin.GetJsonAsync($"{Elevations}?{query}");
            Assert.True(page.Status == HttpStatusCode.OK, $"{query}: {page}");
            return [.. page.Body.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid())];
        }

        Assert.Equal([erinActive, aliceActive.Id], await ListAsync("state=active"));
        Assert.Equal([alicePending], await ListAsync("state=pending"));
        Assert.Empty(await ListAsync("state=revoked"));
        Assert.Equal([alicePending, aliceActive.Id], await ListAsync("user=" + Uri.EscapeDataString("oidc:alice@example.com")));
        Assert.Equal([erinActive], await ListAsync("user=" + Uri.EscapeDataString("oidc:erin@example.com")));
        Assert.Empty(await ListAsync("user=alice@example.com"));
        Assert.Equal([erinActive, aliceActive.Id], await ListAsync("ticket=INC-1"));
        Assert.Equal([aliceActive.Id], await ListAsync("ticket=INC-1&user=" + Uri.EscapeDataString("oidc:alice@example.com") + "&state=active"));
    }

    private static readonly (string Query, string Field)[] BadQueries =
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=-1", "limit"),
        ("state=approved", "state"),
        ("state=ACTIVE", "state"),
        ("state=", "state"),
        ("cursor=garbage!", "cursor"),
        ("cursor=" + Convert.ToBase64String(new byte[10]), "cursor"),
        ("cursor=", "cursor"),
        ("ticket=" + Uri.EscapeDataString("INC 1"), "ticket"),
        ("user=", "user"),
    ];

    [Fact]
    public async Task Bad_query_parameters_are_refused_with_400_naming_the_parameter()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var mismatches = new StringBuilder();

        foreach (var (query, field) in BadQueries)
        {
            var response = await alice.GetJsonAsync($"{Elevations}?{query}");
            if (response.Status != HttpStatusCode.BadRequest || response.ProblemType != "urn:authzwebhook:problem:invalid-request" || !HasError(response, field))
            {
                mismatches.AppendLine($"{query}: expected 400 naming '{field}', got {response}");
            }
        }

        Assert.True(mismatches.Length == 0, mismatches.ToString());
    }

    [Fact]
    public async Task A_limit_that_is_not_a_number_is_refused_naming_the_parameter()
    {
        var server = await StartServerAsync();

        var response = await Requester(server).GetJsonAsync($"{Elevations}?limit=abc");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("urn:authzwebhook:problem:invalid-request", response.ProblemType);
        Assert.True(HasError(response, "limit"), response.ToString());
    }

    [Fact]
    public async Task An_unknown_elevation_is_a_404_problem_and_an_id_that_is_not_a_guid_is_no_endpoint()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var unknown = Guid.NewGuid();

        var missing = await alice.GetJsonAsync($"{Elevations}/{unknown}");
        var notGuid = await alice.GetJsonAsync($"{Elevations}/not-a-guid");
        var approveMissing = await Approver(server).PostJsonAsync($"{Elevations}/{unknown}/approve", new { });

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("urn:authzwebhook:problem:not-found", missing.ProblemType);
        Assert.Contains(unknown.ToString(), missing.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, notGuid.Status);
        Assert.Equal("urn:authzwebhook:problem:no-such-endpoint", notGuid.ProblemType);
        Assert.Equal("urn:authzwebhook:problem:not-found", approveMissing.ProblemType);
    }
}
