using AuthzWebhook.EndToEndTests.Cluster;

namespace AuthzWebhook.EndToEndTests.Scenarios;

/// <summary>
/// Where the webhook sits in <c>--authorization-mode</c> decides what it can do: first, it is asked about every request
/// and its enforced guardrails deny even what RBAC grants; after RBAC, it is asked only about what RBAC refuses, so it
/// can grant elevations but cannot take away anything RBAC gives.
/// </summary>
[Collection(EndToEndDefinition.Name)]
public sealed class GuardrailPlacementTests(EndToEndEnvironment env)
{
    [Fact]
    public async Task With_the_webhook_first_a_guardrail_denies_what_rbac_grants()
    {
        var server = env.WebhookFirst;
        var erin = await SecretReaderAsync(server);

        var secrets = await server.Person.RunAsync(erin.Token, "get", "secrets", "-n", "kube-system");
        var canI = await server.Person.RunAsync(erin.Token, "auth", "can-i", "list", "secrets", "-n", "kube-system");

        Assert.True(secrets.Forbidden, secrets.ToString());
        Assert.Contains("guardrail kube-system-secrets", secrets.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"decision [0-9a-f-]{36}", secrets.Stderr);
        Assert.StartsWith("no - decision ", canI.Stdout, StringComparison.Ordinal);
        // Both asks were the webhook's to answer, RBAC's grant notwithstanding: kubectl's list and can-i's self review.
        var asked = Records(erin).Where(r => r.Request("resource") == "secrets" && r.Request("verb") == "list").ToArray();
        Assert.Equal(2, asked.Length);
        Assert.All(asked, r => Assert.Equal("deny", r.Outcome()));
    }

    [Fact]
    public async Task With_rbac_first_what_rbac_grants_never_reaches_the_webhook_and_what_it_refuses_does()
    {
        var server = env.RbacFirst;
        var erin = await SecretReaderAsync(server);

        var secrets = await server.Person.RunAsync(erin.Token, "get", "secrets", "-n", "kube-system");
        var logs = await server.Person.RunAsync(erin.Token, "get", "--raw", "/api/v1/namespaces/payments/pods/api-1/log");

        Assert.True(secrets.Succeeded, secrets.ToString());
        Assert.True(logs.Forbidden, logs.ToString());
        // RBAC's refusal carries no reason; the webhook's no-opinion after it does: the template erin may request.
        Assert.Contains("read-logs", logs.Stderr, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => Task.FromResult(Records(erin).Any(r => r.Request("subresource") == "log")), TimeSpan.FromSeconds(5), "the webhook's record of the refused request");
        Assert.DoesNotContain(Records(erin), r => r.Request("resource") == "secrets");
    }

    [Fact]
    public async Task With_the_webhook_first_it_is_asked_about_every_request_even_those_rbac_allows()
    {
        var server = env.WebhookFirst;
        var grace = await env.SignInAsync("grace.webhook-first@example.com", "developers");
        await env.ApplyAsync(server, "grace", Rbac.Grant("grace-pods", "other", grace.UserName, "pods", "get", "list"));

        var pods = await server.Person.RunAsync(grace.Token, "get", "pods", "-n", "other");

        Assert.True(pods.Succeeded, pods.ToString());
        var asked = Assert.Single(Records(grace), r => r.Request("resource") == "pods" && r.Request("namespace") == "other");
        Assert.Equal("no_opinion", asked.Outcome());
    }

    /// <summary>Someone a RoleBinding lets read secrets in kube-system, where the enforced guardrail forbids it.</summary>
    private async Task<Person> SecretReaderAsync(KubeApiServer server)
    {
        var erin = await env.SignInAsync($"erin.{server.Placement.Name}@example.com", "developers");
        await env.ApplyAsync(server, "erin", Rbac.Grant("erin-secrets", "kube-system", erin.UserName, "secrets", "get", "list"));
        return erin;
    }

    private IReadOnlyList<System.Text.Json.JsonElement> Records(Person person) => env.RecordsOf(person);
}
