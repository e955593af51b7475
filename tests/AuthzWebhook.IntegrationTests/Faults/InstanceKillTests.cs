using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace AuthzWebhook.IntegrationTests.Faults;

/// <summary>
/// A service instance killed outright (SIGKILL) as its own process, then started again as Kubernetes would restart
/// the pod: same instance name, same spool volume. No answer it gave may lack its record in Postgres afterwards,
/// and no elevation may be left half approved.
/// </summary>
[Trait("Category", "Faults")]
public sealed class InstanceKillTests(TestServers servers, ITestOutputHelper output) : IntegrationTest(servers)
{
    [Fact]
    public async Task An_instance_killed_while_reviews_flow_loses_no_record_of_an_answer_it_gave()
    {
        var settings = Settings();
        var users = Enumerable.Range(0, 20).Select(i => $"oidc:user{i}@example.com").ToList();
        List<ReviewAnswer> answers;
        IReadOnlyList<string> killedStdout;
        var killedAt = DateTimeOffset.MaxValue;
        await using (var killed = await ServiceProcess.StartAsync(Pki, settings))
        {
            await using var load = new ReviewLoad(Pki, [("killed", killed.AuthorizeUri)], users, loopsPerServer: 4);
            await Task.Delay(TimeSpan.FromSeconds(2));
            killedAt = DateTimeOffset.UtcNow;
            killed.Kill();
            await load.StopAsync();
            answers = [.. load.Answers];
            killedStdout = killed.Stdout;
        }

        var restart = Stopwatch.StartNew();
        await using var restarted = await ServiceProcess.StartAsync(Pki, settings);
        var answered = answers.Where(a => a.DecisionId is not null).Select(a => a.DecisionId!.Value).ToHashSet();
        await EventuallyAsync(async () => answered.IsSubsetOf((await StoredDecisions.ReadAsync(Database)).Ids), TimeSpan.FromSeconds(60), "every answered decision in Postgres");
        var recovery = restart.Elapsed;

        var (ids, lines) = await StoredDecisions.ReadAsync(Database);
        var stored = ids.ToHashSet();
        var written = killedStdout.Select(l => Guid.Parse(JsonDocument.Parse(l).RootElement.GetProperty("decision_id").GetString()!)).ToHashSet();
        var result = new FaultResult(
            "instance killed (SIGKILL) mid-batch, restarted on its spool",
            answers.Count,
            // Reviews sent after the kill found nothing listening, as the API server would; only those cut off count.
            answers.Count(a => a.Status != 200 && a.SentAt < killedAt),
            answers.Count(a => a.Degraded),
            TimeSpan.Zero,
            WrongAllows: answers.Count(a => a.Allowed),
            LostRecords: answered.Count(id => !stored.Contains(id)),
            DuplicatedRecords: ids.Count - stored.Count,
            DecisionChainVerifier.Verify(lines).IsIntact,
            recovery);
        result.Report(output);

        Assert.True(answered.Count > 100, result.Row());
        Assert.Equal(0, result.LostRecords);
        Assert.Equal(0, result.DuplicatedRecords);
        Assert.True(result.ChainsIntact, result.Row());
        Assert.Equal(0, result.WrongAllows);
        // Every answer that left the process had its record on stdout first, for the SIEM as much as for Postgres.
        Assert.Subset(written, answered);
        // Only the reviews in flight at the kill (one per loop at most) went unanswered.
        Assert.InRange(result.Errors, 0, 4);
    }

    [Fact]
    public async Task An_instance_killed_mid_approval_leaves_each_elevation_wholly_approved_or_still_pending()
    {
        var settings = Settings();
        var outcomes = new List<string>();
        var restarts = TimeSpan.Zero;
        foreach (var delay in new[] { 0, 5, 20, 60 })
        {
            Guid id;
            await using (var killed = await ServiceProcess.StartAsync(Pki, settings))
            {
                using var alice = ApiClient(killed, Idp.TokenFor("alice@example.com", ["sre"]));
                using var bob = ApiClient(killed, Idp.TokenFor("bob@example.com", ["sre-leads"]));
                id = (await alice.PostJsonAsync("/api/v1/elevations", new { template = "pod-debug", namespaces = new[] { "payments" }, duration = "PT30M", reason = "investigation" })).Id;
                var approving = bob.PostAsync(new Uri($"/api/v1/elevations/{id}/approve", UriKind.Relative), JsonContent("{}"));
                await Task.Delay(delay);
                killed.Kill();
                try
                {
                    using var response = await approving;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Cut off by the kill: the approver does not know whether it counted.
                }
            }

            var clock = Stopwatch.StartNew();
            await using var restarted = await ServiceProcess.StartAsync(Pki, settings);
            restarts += clock.Elapsed;
            var state = await ConsistentStateAsync(id);
            outcomes.Add(state);
            using var bobAgain = ApiClient(restarted, Idp.TokenFor("bob@example.com", ["sre-leads"]));
            if (state == "pending")
            {
                // Not counted before the kill: approving again works, exactly once.
                Assert.Equal("active", (await bobAgain.PostJsonAsync($"/api/v1/elevations/{id}/approve", new { })).State);
                Assert.Equal("active", await ConsistentStateAsync(id));
            }

            using var review = Pki.CreateHttpClient(Pki.ClientCertificate);
            using var content = JsonContent(Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments", "log", name: "api-1"));
            using var answer = await review.PostAsync(restarted.AuthorizeUri, content);
            Assert.True(ReviewResult.Parse(await answer.Content.ReadAsStringAsync()).Allowed);
            Assert.True(restarted.Stop() == 0, string.Join('\n', restarted.Stderr));
        }

        output.WriteLine($"states found after the kills: {string.Join(", ", outcomes)}");
        var result = new FaultResult(
            $"instance killed (SIGKILL) mid-approval, 4 times ({outcomes.Count(o => o == "active")} approvals had counted)",
            outcomes.Count, 0, 0, TimeSpan.Zero, 0, 0, 0, ChainsIntact: true, restarts / outcomes.Count);
        result.Report(output);
    }

    /// <summary>
    /// The elevation's state, after checking that the rows agree with it: active has its one approval, its activation
    /// in the history and its live window; pending has none of them.
    /// </summary>
    private async Task<string> ConsistentStateAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT e.state,
                   (SELECT count(*) FROM elevation_approvals a WHERE a.elevation_id = e.id),
                   (SELECT count(*) FROM elevation_history h WHERE h.elevation_id = e.id AND h.action = 'activated'),
                   (SELECT count(*) FROM elevation_windows w WHERE w.id = e.id AND w.revoked_at IS NULL)
              FROM elevations e WHERE e.id = @id
            """,
            connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (state, approvals, activations, windows) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        var expected = state == "active" ? 1L : 0L;
        Assert.True(state is "active" or "pending", $"unexpected state {state}");
        Assert.True((approvals, activations, windows) == (expected, expected, expected), $"{state} elevation with {approvals} approvals, {activations} activations, {windows} windows");
        return state;
    }

    private Dictionary<string, string?> Settings()
    {
        var work = Directory.CreateTempSubdirectory("authz-kill-").FullName;
        var policy = Path.Combine(work, "policy.yaml");
        File.WriteAllText(policy, TestPolicies.Standard);
        var settings = new Dictionary<string, string?>(Idp.Settings)
        {
            // A restarted pod keeps its name and its spool volume.
            ["AuthzWebhook:InstanceName"] = "replica-" + Guid.NewGuid().ToString("N")[..6],
            ["AuthzWebhook:Policy:Path"] = policy,
            ["AuthzWebhook:Postgres:ConnectionString"] = Database,
            ["AuthzWebhook:Redis:Configuration"] = Servers.RedisConfiguration,
            ["AuthzWebhook:Redis:KeyPrefix"] = RedisPrefix,
            ["AuthzWebhook:DecisionStore:SpoolPath"] = Path.Combine(work, "spool", "decisions.spool"),
            ["AuthzWebhook:Identity:UsernamePrefix"] = "oidc:",
            ["AuthzWebhook:Identity:GroupsPrefix"] = "oidc:",
            ["AuthzWebhook:Api:PermitsPerMinute"] = "10000",
        };
        return settings;
    }

    private HttpClient ApiClient(ServiceProcess service, string token)
    {
        var client = Pki.CreateHttpClient(null);
        client.BaseAddress = new Uri($"https://localhost:{service.ApiPort}");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static StringContent JsonContent(string json)
    {
        var content = new StringContent(json, System.Text.Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

}
