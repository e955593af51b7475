using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.TestSupport;
using Xunit.Abstractions;

namespace AuthzWebhook.IntegrationTests.Elevations;

/// <summary>
/// Hostile bodies on the REST API's writing endpoints: unknown fields, wrong types, huge values, deep nesting and odd
/// Unicode get RFC 7807 problem details (400, or 413 over the size cap) and change nothing in Postgres; mutated create
/// bodies are either a valid request (201) or a problem, never a 500, and only the 201s write a row.
/// </summary>
public sealed class HostileBodyTests(TestServers servers, ITestOutputHelper output) : LifecycleTest(servers)
{
    private static readonly Dictionary<string, string?> NoRateLimit = new() { ["AuthzWebhook:Api:PermitsPerMinute"] = "100000" };

    /// <summary>Each body is wrong for every action endpoint; <c>{0}</c> stands for the field the endpoint takes as text.</summary>
    private static readonly (string Case, string Body)[] HostileActionBodies =
    [
        ("unknown field", """{"{0}":"fine","approved":true}"""),
        ("field in the wrong case", """{"Comment":"x","Reason":"x"}"""),
        ("duplicated field", """{"{0}":"fine","{0}":"again"}"""),
        ("number instead of text", """{"{0}":5}"""),
        ("huge number instead of text", """{"{0}":1e999999}"""),
        ("object instead of text", """{"{0}":{"text":"x"}}"""),
        ("array instead of text", """{"{0}":["x"]}"""),
        ("array body", """[{"{0}":"x"}]"""),
        ("deep nesting", """{"{0}":""" + new string('[', 5000) + new string(']', 5000) + "}"),
        ("NUL", """{"{0}":"ok\u0000"}"""),
        ("bidi override", """{"{0}":"rollback \u202Eyrotsih\u202C"}"""),
        ("zero-width space", """{"{0}":"ok\u200Bok"}"""),
        ("zero-width joiner", "{\"{0}\":\"ok\u200Dok\"}"),
        ("lone high surrogate", """{"{0}":"ok\ud800"}"""),
        ("lone low surrogate", """{"{0}":"\udc00ok"}"""),
        ("escape sequence", """{"{0}":"\u001b[2J"}"""),
        ("over 2000 characters", "{\"{0}\":\"" + new string('x', 2001) + "\"}"),
        ("over the body cap", "{\"{0}\":\"" + new string('x', 20_000) + "\"}"),
        ("trailing document", """{"{0}":"x"} {}"""),
    ];

    [Fact]
    public async Task Hostile_bodies_on_every_action_get_problem_details_and_change_nothing()
    {
        var server = await StartServerAsync(overrides: NoRateLimit);
        var alice = Requester(server);
        var bob = Approver(server);
        var pending = await alice.PostJsonAsync(Elevations, PodDebug(["pending-ns"]));
        Assert.True(pending.Status == HttpStatusCode.Created, pending.ToString());
        var active = await ActivePodDebugAsync(alice, bob);
        var before = await SnapshotAsync();
        var mismatches = new StringBuilder();
        (HttpClient Who, Guid Id, string Action, string Field)[] actions =
        [
            (bob, pending.Id, "approve", "comment"),
            (bob, pending.Id, "reject", "comment"),
            (alice, active.Id, "revoke", "reason"),
            (alice, active.Id, "extend", "reason"),
        ];

        foreach (var (who, id, action, field) in actions)
        {
            foreach (var (name, template) in HostileActionBodies)
            {
                var body = template.Replace("{0}", field, StringComparison.Ordinal);
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{Elevations}/{id}/{action}", UriKind.Relative))
                {
                    Content = new ByteArrayContent(Encoding.UTF8.GetBytes(action == "extend" ? body.Replace("{", "{\"duration\":\"PT10M\",", StringComparison.Ordinal) : body)),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var response = await ApiResponse.ReadAsync(await who.SendAsync(request));
                if (response.Status is not (HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
                    || response.Message.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    mismatches.AppendLine($"{action}, {name}: expected a 400 or 413 problem, got {response}");
                }
            }
        }

        Assert.True(mismatches.Length == 0, mismatches.ToString());
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Mutated_create_bodies_are_created_or_refused_as_problems_and_only_the_created_are_written()
    {
        var server = await StartServerAsync(overrides: NoRateLimit);
        var alice = Requester(server);
        var seed = FuzzSettings.Seed;
        var count = FuzzSettings.Iterations(1000, scale: 100);
        output.WriteLine($"REST fuzz: seed {seed} (AUTHZ_FUZZ_SEED), {count} requests (AUTHZ_FUZZ_ITERATIONS / 100)");
        var mutator = new HostileMutator(seed);
        byte[][] bodies =
        [
            Encoding.UTF8.GetBytes("""{"template":"pod-debug","namespaces":["payments"],"duration":"PT30M","reason":"INC-4711 checkout errors","ticket":"INC-4711"}"""),
            Encoding.UTF8.GetBytes("""{"template":"team-admin","namespaces":["team-a"],"duration":"PT15M","reason":"deploy hotfix"}"""),
            Encoding.UTF8.GetBytes("""{"template":"cluster-admin","namespaces":[],"duration":"PT10M","reason":"etcd defrag"}"""),
        ];
        var mismatches = new StringBuilder();
        var created = 0;
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < count; i++)
        {
            var body = mutator.Next(bodies, out var how);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Elevations, UriKind.Relative)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var response = await ApiResponse.ReadAsync(await alice.SendAsync(request));
            statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
            if (response.Status == HttpStatusCode.Created)
            {
                created++;
            }
            else if (response.Status is not (HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.Conflict or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity)
                || response.Message.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                mismatches.AppendLine($"input {i} ({how}): {response}\n  body (base64): {Convert.ToBase64String(body.AsSpan(0, Math.Min(body.Length, 2048)))}");
            }
        }

        output.WriteLine("REST fuzz: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value}")));
        Assert.True(mismatches.Length == 0, $"seed {seed}:\n{mismatches}");
        Assert.Equal(created, await ElevationRowsAsync());
    }

    /// <summary>Everything a transition writes: states, approvals, history, live windows and queued notifications.</summary>
    private async Task<string> SnapshotAsync() => string.Join(
        " | ",
        await CountAsync("SELECT count(*) FROM elevations"),
        await CountAsync("SELECT count(*) FROM elevations WHERE state = 'pending'"),
        await CountAsync("SELECT count(*) FROM elevations WHERE state = 'active'"),
        await CountAsync("SELECT count(*) FROM elevations WHERE extension_reason IS NOT NULL"),
        await CountAsync("SELECT count(*) FROM elevation_approvals"),
        await CountAsync("SELECT count(*) FROM elevation_history"),
        await CountAsync("SELECT count(*) FROM elevation_windows WHERE revoked_at IS NULL"),
        await CountAsync("SELECT count(*) FROM notification_outbox"));
}
