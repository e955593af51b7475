using System.Net;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>
/// <c>Elevations:Visibility</c>: by default (<c>involved</c>) an elevation's reason, ticket and approvers are shown only
/// to its requester, its possible approvers, admins, auditors and viewer groups; to anyone else it does not exist.
/// </summary>
public sealed class ElevationVisibilityTests(TestServers servers) : LifecycleTest(servers)
{
    private const string Frank = "frank@example.com";

    [Fact]
    public async Task An_uninvolved_user_neither_lists_nor_reads_anothers_elevation()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:Elevations:ViewerGroups:0"] = "oidc:on-call" });
        var alice = Requester(server);
        var carol = Api(server, Carol, ["developers"]);
        var secret = await alice.PostJsonAsync(Elevations, PodDebug(reason: "INC-V1 payroll data leak", ticket: "INC-V1"));
        var own = await carol.PostJsonAsync(Elevations, TeamAdmin());

        Assert.Equal([own.Id], await IdsAsync(carol, Elevations));
        Assert.Empty(await IdsAsync(carol, $"{Elevations}?ticket=INC-V1"));
        Assert.Empty(await IdsAsync(carol, $"{Elevations}?user=" + Uri.EscapeDataString("oidc:" + Alice)));
        var hidden = await carol.GetJsonAsync($"{Elevations}/{secret.Id}");
        var unknown = await carol.GetJsonAsync($"{Elevations}/{Guid.NewGuid()}");
        var activity = await carol.GetJsonAsync($"{Elevations}/{secret.Id}/activity");
        Assert.Equal(HttpStatusCode.NotFound, hidden.Status);
        Assert.Equal(unknown.ProblemType, hidden.ProblemType);
        Assert.Equal(unknown.Body.GetProperty("title").GetString(), hidden.Body.GetProperty("title").GetString());
        Assert.DoesNotContain("payroll", hidden.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, activity.Status);
        Assert.Equal("urn:authzwebhook:problem:not-found", activity.ProblemType);

        // Everyone involved, and everyone allowed to see all, still sees it.
        HttpClient[] involved =
        [
            alice,
            Approver(server),
            Admin(server),
            Api(server, Erin, ["auditors"]),
            Api(server, Frank, ["on-call"]),
            Api(server, "ALICE@example.com", ["sre"]),
        ];
        foreach (var client in involved)
        {
            Assert.Contains(secret.Id, await IdsAsync(client, Elevations));
            var read = await client.GetJsonAsync($"{Elevations}/{secret.Id}");
            Assert.True(read.Status == HttpStatusCode.OK, read.ToString());
        }
    }

    [Fact]
    public async Task Acting_on_an_elevation_one_may_not_see_answers_404_as_for_one_that_does_not_exist()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var carol = Api(server, Carol, ["developers"]);
        var pending = await alice.PostJsonAsync(Elevations, PodDebug(reason: "INC-V2 hidden"));

        foreach (var (action, body) in new (string, object)[] { ("approve", new { }), ("reject", new { comment = "no" }), ("revoke", new { reason = "no" }), ("extend", new { duration = "PT10M", reason = "more" }) })
        {
            var hidden = await carol.PostJsonAsync($"{Elevations}/{pending.Id}/{action}", body);
            var unknown = await carol.PostJsonAsync($"{Elevations}/{Guid.NewGuid()}/{action}", body);

            Assert.True(hidden.Status == HttpStatusCode.NotFound, $"{action}: {hidden}");
            Assert.Equal(unknown.ProblemType, hidden.ProblemType);
        }

        Assert.Equal("pending", (await alice.GetJsonAsync($"{Elevations}/{pending.Id}")).State);
    }

    [Fact]
    public async Task All_signed_in_shows_every_elevation_to_anyone_with_a_token()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:Elevations:Visibility"] = "all-signed-in" });
        var created = await Requester(server).PostJsonAsync(Elevations, PodDebug());
        var carol = Api(server, Carol, ["developers"]);

        Assert.Contains(created.Id, await IdsAsync(carol, Elevations));
        Assert.Equal(HttpStatusCode.OK, (await carol.GetJsonAsync($"{Elevations}/{created.Id}")).Status);
        // The activity stays for auditors, admins and the requester.
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetJsonAsync($"{Elevations}/{created.Id}/activity")).Status);
    }

    private static async Task<Guid[]> IdsAsync(HttpClient client, string path)
    {
        var page = await client.GetJsonAsync(path);
        Assert.True(page.Status == HttpStatusCode.OK, $"{path}: {page}");
        return [.. page.Body.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid())];
    }
}
