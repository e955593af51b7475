using System.Diagnostics;
using System.Globalization;
using System.Net;
using AuthzWebhook.EndToEndTests.Cluster;

namespace AuthzWebhook.EndToEndTests.Scenarios;

/// <summary>
/// The whole promise through kubectl and a real API server: forbidden and told what to request; request, approve,
/// allowed for exactly the template's verbs in the window's namespace; revoked, forbidden again, and how long that took.
/// </summary>
[Collection(EndToEndDefinition.Name)]
public sealed class ElevationLifecycleTests(EndToEndEnvironment env)
{
    public static TheoryData<string> Placements => [Placement.WebhookFirst.Name, Placement.RbacFirst.Name];

    [Theory]
    [MemberData(nameof(Placements))]
    public async Task Kubectl_is_forbidden_with_the_requestable_templates_allowed_while_elevated_and_forbidden_again_after_revoke(string placementName)
    {
        var server = env.Server(placementName == Placement.WebhookFirst.Name ? Placement.WebhookFirst : Placement.RbacFirst);
        var placement = server.Placement;
        var alice = await env.SignInAsync($"alice.{placement.Name}@example.com", "sre");
        var bob = await env.ApproverAsync();

        var before = await server.Person.RunAsync(alice.Token, "get", "pods", "-n", "payments");
        Assert.True(before.Forbidden, before.ToString());
        Assert.Contains($"User \"{alice.UserName}\" cannot list resource \"pods\"", before.Stderr, StringComparison.Ordinal);
        // The webhook's no-opinion reason, as kubectl prints it: the decision id and what alice may request here.
        Assert.Matches(@"decision [0-9a-f-]{36}", before.Stderr);
        Assert.Contains("pod-debug", before.Stderr, StringComparison.Ordinal);
        Assert.Contains("break-glass-admin", before.Stderr, StringComparison.Ordinal);
        // And the command that asks for the first of them, ready to copy.
        Assert.Contains("run: kubectl elevate request pod-debug -n payments --for 30m", before.Stderr, StringComparison.Ordinal);

        var id = await env.Api.RequestAsync(alice, "pod-debug", ["payments"]);
        await env.Api.ApproveAsync(bob, id);
        // The API server may still hold the earlier no-opinion for up to its unauthorized TTL.
        var grantedAfter = await Eventually.HoldsAsync(
            async () => (await server.Person.RunAsync(alice.Token, "get", "pods", "-n", "payments")).Succeeded,
            placement.UnauthorizedTtl + TimeSpan.FromSeconds(15), "kubectl get pods after approval");

        Assert.True((await server.Person.RunAsync(alice.Token, "get", "events", "-n", "payments")).Succeeded);
        var otherNamespace = await server.Person.RunAsync(alice.Token, "get", "pods", "-n", "other");
        Assert.True(otherNamespace.Forbidden, otherNamespace.ToString());
        var verbOutside = await server.Person.RunAsync(alice.Token, "delete", "pod", "api-1", "-n", "payments");
        Assert.True(verbOutside.Forbidden, verbOutside.ToString());
        var resourceOutside = await server.Person.RunAsync(alice.Token, "get", "secrets", "-n", "payments");
        Assert.True(resourceOutside.Forbidden, resourceOutside.ToString());

        // Revoke right after an allow the webhook gave afresh (once the API server's cached one has expired), so the cache
        // holds it for its whole authorized TTL: the worst case.
        using var http = server.CreateClient(alice.Token);
        var list = new Uri("/api/v1/namespaces/payments/pods", UriKind.Relative);
        await Task.Delay(placement.AuthorizedTtl + TimeSpan.FromMilliseconds(500));
        using (var allowed = await http.GetAsync(list))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var revoke = Stopwatch.StartNew();
        await env.Api.RevokeAsync(alice, id);
        var revokeCall = revoke.Elapsed;
        var webhookStopsAllowing = await Eventually.HoldsAsync(
            async () => !await WebhookProbe.AllowsAsync(env, alice, "list", "pods", "payments"), TimeSpan.FromSeconds(10), "the webhook answering no opinion", TimeSpan.FromMilliseconds(20));
        var webhookAt = revokeCall + webhookStopsAllowing;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await http.GetAsync(list);
                return response.StatusCode == HttpStatusCode.Forbidden;
            },
            placement.AuthorizedTtl + TimeSpan.FromSeconds(15), "Forbidden after revoke", TimeSpan.FromMilliseconds(50));
        var forbiddenAt = revoke.Elapsed;

        var after = await server.Person.RunAsync(alice.Token, "get", "pods", "-n", "payments");
        Assert.True(after.Forbidden, after.ToString());
        Assert.True(forbiddenAt <= placement.AuthorizedTtl + TimeSpan.FromSeconds(3), $"revoke to Forbidden took {forbiddenAt}");

        EndToEndReport.Add("Revoke to Forbidden", string.Create(CultureInfo.InvariantCulture,
            $"- {placement.Name} ({placement.AuthorizationModes}, {placement.WebhookVersion}, authorized TTL {placement.AuthorizedTtl.TotalSeconds:0} s, unauthorized TTL {placement.UnauthorizedTtl.TotalSeconds:0} s): " +
            $"revoke call {revokeCall.TotalMilliseconds:0} ms; webhook answers no opinion {webhookAt.TotalMilliseconds:0} ms after the revoke began; " +
            $"kube-apiserver answers Forbidden after {forbiddenAt.TotalMilliseconds:0} ms (its cache of the last allow); approval to first allowed kubectl {grantedAfter.TotalMilliseconds:0} ms"));
    }
}
