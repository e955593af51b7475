using System.Diagnostics;
using System.Globalization;
using System.Net;
using AuthzWebhook.EndToEndTests.Cluster;

namespace AuthzWebhook.EndToEndTests.Scenarios;

/// <summary>
/// The webhook stopped while both API servers keep calling it. Either placement: what RBAC grants keeps working for
/// people and for the control plane, and elevations stop granting (fail closed, as HTTP 500 rather than Forbidden).
/// With the webhook first, its guardrails stop denying too: RBAC alone decides until it is back.
/// </summary>
[Collection(EndToEndDefinition.Name)]
public sealed class WebhookDownTests(EndToEndEnvironment env)
{
    private const int Samples = 5;

    [Fact]
    public async Task With_the_webhook_stopped_rbac_still_decides_elevations_stop_granting_and_start_again_when_it_is_back()
    {
        var alice = await env.SignInAsync("alice.down@example.com", "sre");
        var frank = await env.SignInAsync("frank.down@example.com", "developers");
        var erin = await env.SignInAsync("erin.down@example.com", "developers");
        var id = await env.Api.RequestAsync(alice, "pod-debug", ["payments"]);
        await env.Api.ApproveAsync(await env.ApproverAsync(), id);
        foreach (var server in new[] { env.WebhookFirst, env.RbacFirst })
        {
            await env.ApplyAsync(server, "frank-pods", Rbac.Grant("frank-pods", "other", frank.UserName, "pods", "get", "list"));
            await env.ApplyAsync(server, "erin-secrets", Rbac.Grant("erin-secrets", "kube-system", erin.UserName, "secrets", "get", "list"));
            await Eventually.HoldsAsync(async () => (await server.Person.RunAsync(alice.Token, "get", "pods", "-n", "payments")).Succeeded,
                TimeSpan.FromSeconds(20), $"{server.Placement}: alice allowed before the stop");
        }

        Assert.True((await env.WebhookFirst.Person.RunAsync(erin.Token, "get", "secrets", "-n", "kube-system")).Forbidden);
        var up = await LatenciesAsync(env.WebhookFirst, frank);

        Assert.Equal(0, env.StopService());
        try
        {
            // Let every answer cached while the webhook was up expire: what follows is what the API servers do without it.
            await Task.Delay(Placement.WebhookFirst.AuthorizedTtl + TimeSpan.FromSeconds(1));
            foreach (var server in new[] { env.WebhookFirst, env.RbacFirst })
            {
                var elevated = await server.Person.RunAsync(alice.Token, "get", "pods", "-n", "payments");
                var rbacGranted = await server.Person.RunAsync(frank.Token, "get", "pods", "-n", "other");
                var guarded = await server.Person.RunAsync(erin.Token, "get", "secrets", "-n", "kube-system");
                var controlPlane = await LatenciesAsync(server, frank);

                // Fail closed either way; and in either order, an authorizer error with no authorizer allowing reaches the
                // user as an internal error (HTTP 500) naming the webhook's address, not as Forbidden.
                Assert.False(elevated.Succeeded, $"{server.Placement}: {elevated}");
                Assert.Contains("(InternalError)", elevated.Stderr, StringComparison.Ordinal);
                Assert.True(rbacGranted.Succeeded, $"{server.Placement}: {rbacGranted}");
                // No webhook, no guardrail: RBAC's grant stands, also where the webhook first would deny it.
                Assert.True(guarded.Succeeded, $"{server.Placement}: {guarded}");
                EndToEndReport.Add("The webhook stopped", string.Create(CultureInfo.InvariantCulture,
                    $"- {server.Placement.Name} ({server.Placement.AuthorizationModes}): elevated request refused (`{FirstLine(elevated.Stderr)}`); " +
                    $"RBAC-granted request allowed; guardrail-protected request that RBAC grants allowed; " +
                    $"median latency: RBAC-granted person {controlPlane.Person:0} ms, scheduler {controlPlane.Scheduler:0} ms (webhook up, webhook first: {up.Person:0} ms / {up.Scheduler:0} ms)"));
            }
        }
        finally
        {
            await env.StartServiceAgainAsync();
        }

        foreach (var server in new[] { env.WebhookFirst, env.RbacFirst })
        {
            await Eventually.HoldsAsync(async () => (await server.Person.RunAsync(alice.Token, "get", "pods", "-n", "payments")).Succeeded,
                server.Placement.UnauthorizedTtl + TimeSpan.FromSeconds(20), $"{server.Placement}: alice allowed again once the webhook is back");
        }

        Assert.True((await env.WebhookFirst.Person.RunAsync(erin.Token, "get", "secrets", "-n", "kube-system")).Forbidden);
    }

    /// <summary>Median milliseconds of a request RBAC grants, for a person and for the scheduler (a control-plane component).</summary>
    private static async Task<(double Person, double Scheduler)> LatenciesAsync(KubeApiServer server, Person person)
    {
        using var personal = server.CreateClient(person.Token);
        using var scheduler = server.CreateSchedulerClient();
        return (await MedianAsync(personal), await MedianAsync(scheduler));
    }

    private static async Task<double> MedianAsync(HttpClient client)
    {
        var times = new List<double>();
        for (var i = 0; i < Samples; i++)
        {
            // A pod name of its own per call: the API server caches the webhook's answers per request attributes, and an
            // answer from that cache would measure nothing. The pod does not exist; authorization happens first.
            var timer = Stopwatch.StartNew();
            using var response = await client.GetAsync(new Uri($"/api/v1/namespaces/other/pods/probe-{Guid.NewGuid():N}", UriKind.Relative));
            times.Add(timer.Elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? string.Empty;
}
