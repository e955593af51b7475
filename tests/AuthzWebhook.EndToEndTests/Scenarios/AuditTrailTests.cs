using System.Globalization;
using System.Net;
using AuthzWebhook.EndToEndTests.Cluster;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.EndToEndTests.Scenarios;

/// <summary>
/// The two audit trails meet: every request of the API server's audit log that carries one of our decision ids has its
/// decision record in Postgres (<c>correlate</c>), and the audit webhook delivers every event of an elevation's allowed
/// requests to its activity, while the odd events a real cluster sends travel in the same batches.
/// </summary>
[Collection(EndToEndDefinition.Name)]
public sealed class AuditTrailTests(EndToEndEnvironment env)
{
    public static TheoryData<string> Placements => [Placement.WebhookFirst.Name, Placement.RbacFirst.Name];

    [Theory]
    [MemberData(nameof(Placements))]
    public async Task Correlate_joins_every_request_of_the_audit_log_that_carries_a_decision_id(string placementName)
    {
        var server = Server(placementName);
        var hank = await env.SignInAsync($"hank.{server.Placement.Name}@example.com", "sre");
        var id = await env.Api.RequestAsync(hank, "pod-debug", ["payments"]);
        await env.Api.ApproveAsync(await env.ApproverAsync(), id);
        await Eventually.HoldsAsync(async () => (await server.Person.RunAsync(hank.Token, "get", "pods", "-n", "payments")).Succeeded,
            TimeSpan.FromSeconds(20), "hank allowed");
        Assert.True((await server.Person.RunAsync(hank.Token, "get", "pods", "-n", "other")).Forbidden);

        // Records reach Postgres shortly after their answers (the spool is written first): wait for the join to be whole.
        var output = string.Empty;
        await Eventually.HoldsAsync(async () =>
        {
            var (exit, stdout, stderr) = await ServiceCommand.RunAsync(
                new Dictionary<string, string> { ["AuthzWebhook__Postgres__ConnectionString"] = env.Database }, "correlate", server.AuditLogPath);
            Assert.True(exit == 0, stderr);
            output = stdout;
            return stdout.Contains("join rate: 100%", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "a join rate of 100%", TimeSpan.FromSeconds(1));

        var withDecision = output.Split('\n').Single(l => l.StartsWith("requests with a decision id:", StringComparison.Ordinal));
        Assert.DoesNotContain(": 0 ", withDecision, StringComparison.Ordinal);
        EndToEndReport.Add("Audit log joined with the decisions (correlate)", $"- {server.Placement.Name}: {withDecision.Trim()}; join rate 100%");
    }

    [Theory]
    [MemberData(nameof(Placements))]
    public async Task Every_audit_event_of_an_elevations_allowed_requests_reaches_its_activity_beside_odd_events_in_the_same_batches(string placementName)
    {
        var server = Server(placementName);
        var ivy = await env.SignInAsync($"ivy.{server.Placement.Name}@example.com", "sre");
        var id = await env.Api.RequestAsync(ivy, "pod-debug", ["payments"]);
        await env.Api.ApproveAsync(await env.ApproverAsync(), id);
        using var asIvy = server.CreateClient(ivy.Token);
        using var badToken = server.CreateClient("not-a-token");
        await Eventually.HoldsAsync(async () => (await GetAsync(asIvy, "/api/v1/namespaces/payments/pods")) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20), "ivy allowed");

        for (var round = 0; round < 3; round++)
        {
            // Sent together, so that the API server's audit webhook batches (at most a second apart) carry good and odd
            // events side by side.
            await Task.WhenAll(
                Expect(HttpStatusCode.OK, GetAsync(asIvy, $"/api/v1/namespaces/payments/pods?limit={round + 1}")),
                // The webhook refuses to decide about a name with a NUL (HTTP 400), which the API server turns into a 500.
                Expect(HttpStatusCode.InternalServerError, GetAsync(asIvy, $"/api/v1/namespaces/payments/pods/nul%00name-{round}")),
                Expect(HttpStatusCode.NotFound, GetAsync(asIvy, $"/api/v1/namespaces/payments/pods/chosen-{round}", auditId: $"chosen by the client \"{round}\" {{not a uuid}} <&>")),
                Expect(HttpStatusCode.NotFound, GetAsync(asIvy, $"/api/v1/namespaces/payments/pods/long-id-{round}", auditId: new string('a', 4000) + round)),
                Expect(HttpStatusCode.OK, GetAsync(asIvy, $"/api/v1/namespaces/payments/events?limit=1&padding={new string('x', 20_000)}{round}")),
                Expect(HttpStatusCode.Unauthorized, GetAsync(badToken, "/api/v1/namespaces/payments/pods")),
                Expect(HttpStatusCode.Unauthorized, GetAsync(badToken, "/api/v1/namespaces/payments/pods", auditId: "")));
        }

        // Everything the API server audited of ivy's requests (she holds the elevation, so the sink keeps all of them), by
        // audit id and stage; among them those the elevation allowed, whose reason names it.
        var ofIvy = AuditLog.Read(server.AuditLogPath)
            .Where(e => e.TryGetProperty("user", out var user) && user.TryGetProperty("username", out var name) && name.GetString() == ivy.UserName)
            .ToArray();
        var expected = ofIvy.Select(e => (e.AuditId(), e.Stage())).ToHashSet();
        var allowedByElevation = ofIvy.Count(e => e.Annotation("authorization.k8s.io/reason").Contains($"elevation {id}", StringComparison.Ordinal));
        Assert.True(allowedByElevation >= 13, $"only {allowedByElevation} audited requests allowed under the elevation");

        var missing = expected;
        await Eventually.HoldsAsync(async () =>
        {
            var activity = await env.Api.ActivityAsync(ivy, id);
            var delivered = activity.GetProperty("audit_events").EnumerateArray().Select(e => (e.AuditId(), e.Stage())).ToHashSet();
            missing = [.. expected.Where(e => !delivered.Contains(e))];
            return missing.Count == 0;
        }, TimeSpan.FromSeconds(30), () => $"every audit event of ivy's in the elevation's activity (missing {missing.Count} of {expected.Count}: {Sample(missing)})", TimeSpan.FromSeconds(1));
        EndToEndReport.Add("Audit webhook to the elevation's activity", string.Create(CultureInfo.InvariantCulture,
            $"- {server.Placement.Name}: all {expected.Count} audit events of the elevated user's requests delivered ({allowedByElevation} allowed by the elevation), beside failed-authentication, client-chosen Audit-ID, NUL-in-name and 20 kB-URI requests in the same batches"));
    }

    private static string Sample(IEnumerable<(string AuditId, string Stage)> events) =>
        string.Join(", ", events.Take(5).Select(e => (e.AuditId.Length > 40 ? e.AuditId[..40] + "…" : e.AuditId) + "/" + e.Stage));

    private KubeApiServer Server(string placementName) => placementName == Placement.WebhookFirst.Name ? env.WebhookFirst : env.RbacFirst;

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string path, string? auditId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (auditId is not null)
        {
            request.Headers.TryAddWithoutValidation("Audit-ID", auditId);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task Expect(HttpStatusCode expected, Task<HttpStatusCode> call) => Assert.Equal(expected, await call);
}
