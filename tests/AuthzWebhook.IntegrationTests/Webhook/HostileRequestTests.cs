using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.TestSupport;
using AuthzWebhook.Windows;
using Npgsql;
using Xunit.Abstractions;

namespace AuthzWebhook.IntegrationTests.Webhook;

/// <summary>
/// Hostile bodies posted to the real service over mutual TLS: /authorize and /audit answer 200 or a plain 400, never a
/// 500 and never an allow (windows exist only for a user and a group no body names); the service stays up, and every
/// review it answered has its decision record stored (a record the store cannot take would hold back all later ones).
/// </summary>
public sealed class HostileRequestTests(TestServers servers, ITestOutputHelper output) : IntegrationTest(servers)
{
    private const string WindowUser = "oidc:alice@example.com";
    private const string WindowGroup = "oidc:window-holders";

    [Fact]
    public async Task Mutated_reviews_and_event_lists_get_200_or_400_never_500_never_an_allow_and_every_answer_is_recorded()
    {
        var server = await StartServerAsync();
        var windows = server.Service<WindowWriter>();
        await windows.CreateAsync(UserWindow(WindowUser, "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30)), default);
        await windows.CreateAsync(GroupWindow(WindowGroup, "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30), "oidc:sre"), default);

        var seed = FuzzSettings.Seed;
        var count = FuzzSettings.Iterations(5000, scale: 20);
        output.WriteLine($"HTTP fuzz: seed {seed} (AUTHZ_FUZZ_SEED), {count} requests (AUTHZ_FUZZ_ITERATIONS / 20)");
        var mutator = new HostileMutator(seed);
        var reviews = ReviewBodies();
        var lists = EventListBodies();

        // Made up front, so that the inputs depend on the seed alone, not on how the requests interleave.
        var inputs = Enumerable.Range(0, count)
            .Select(i => i % 4 == 3 ? ("/audit", mutator.Next(lists, out var how)) : ("/authorize?timeout=30s", mutator.Next(reviews, out how)))
            .ToArray();
        using var client = server.CreateMtlsClient(Pki.ClientCertificate);
        client.BaseAddress = new Uri($"https://localhost:{server.WebhookPort}");
        var failures = new ConcurrentQueue<string>();
        int answered = 0, refused = 0, stored = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var (path, body) = inputs[i];
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                Interlocked.Increment(ref refused);
                if (response.Content.Headers.ContentType?.MediaType != "text/plain" || string.IsNullOrWhiteSpace(text))
                {
                    failures.Enqueue($"input {i} {path}: 400 without a plain message: {text}");
                }

                return;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures.Enqueue($"input {i} {path}: HTTP {(int)response.StatusCode} {text}\n  body (base64): {Convert.ToBase64String(body.AsSpan(0, Math.Min(body.Length, 4096)))}");
                return;
            }

            if (path == "/audit")
            {
                Interlocked.Increment(ref stored);
                return;
            }

            Interlocked.Increment(ref answered);
            var result = ReviewResult.Parse(text);
            if (result.Allowed)
            {
                failures.Enqueue($"input {i}: ALLOWED: {result.Reason}\n  body (base64): {Convert.ToBase64String(body)}");
            }
        });

        output.WriteLine($"HTTP fuzz: {answered} reviews answered, {stored} event lists taken, {refused} refused with 400, {failures.Count} failures");
        Assert.True(failures.IsEmpty, $"seed {seed}:\n" + string.Join("\n\n", failures.Take(10)));
        Assert.True(answered > count / 100, $"only {answered} of {count} requests reached a decision");

        using var plain = new HttpClient();
        using var healthz = await plain.GetAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/healthz"));
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        var after = await server.ReviewAsync(Reviews.Resource("oidc:bob@example.com", ["oidc:sre"], "get", "pods", "payments", "log"));
        Assert.False(after.Allowed);
        await EventuallyAsync(async () => await ScalarAsync("SELECT count(*) FROM decisions") == answered + 1, TimeSpan.FromSeconds(60), $"all {answered + 1} decision records stored");
    }

    [Fact]
    public async Task A_review_with_a_nul_in_its_user_is_refused_and_the_records_after_it_are_still_stored()
    {
        var server = await StartServerAsync();
        var body = Reviews.Resource("oidc:bob\u0000@example.com", ["oidc:sre"], "get", "pods", "payments");

        using var refused = await server.PostReviewAsync(body);
        var later = await server.ReviewAsync(Reviews.Resource("oidc:bob@example.com", ["oidc:sre"], "get", "pods", "payments"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("spec.user contains a NUL character", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await server.WaitForRecordAsync(later.DecisionId);
        await EventuallyAsync(async () => await ScalarAsync($"SELECT count(*) FROM decisions WHERE decision_id = '{later.DecisionId}'") == 1, TimeSpan.FromSeconds(15), "the later record stored");
    }

    private static List<byte[]> ReviewBodies()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "fixtures", "k8s");
        var bodies = new[] { "03-docs-v1beta1-resource-request.json", "05-upstream-unit-v1-resource-subresource.json", "06-upstream-unit-v1-nonresource-empty-user.json", "08-upstream-unit-v1-uid-groups-extra-selectors.json" }
            .Select(f => File.ReadAllBytes(Path.Combine(directory, f)))
            .ToList();
        bodies.Add(Encoding.UTF8.GetBytes(Reviews.Resource("oidc:bob@example.com", ["oidc:sre", "system:authenticated"], "get", "pods", "payments", "log", name: "api-1")));
        bodies.Add(Encoding.UTF8.GetBytes(Reviews.Resource("oidc:carol@example.com", ["legacy-cluster-admins"], "get", "secrets", "kube-system", apiVersion: "authorization.k8s.io/v1beta1")));
        bodies.Add(Encoding.UTF8.GetBytes(Reviews.NonResource("oidc:dave@example.com", ["oidc:sre"], "get", "/logs/kube-apiserver.log")));
        return bodies;
    }

    private static List<byte[]> EventListBodies()
    {
        var lines = new KubernetesAuditLog()
            .Request("oidc:bob@example.com", "get", "pods", "payments", "api-7d9f", $"decision {Guid.CreateVersion7()}: no elevation covers this request", subresource: "log")
            .Request("oidc:carol@example.com", "list", "secrets", "kube-system", null, "RBAC: allowed by ClusterRoleBinding \"admins\"", decision: "allow")
            .Lines;
        return [List(lines), List([lines[^1]])];
    }

    private static byte[] List(IEnumerable<string> items) =>
        Encoding.UTF8.GetBytes($$"""{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[{{string.Join(',', items)}}]}""");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
