using System.Net;
using AuthzWebhook.IntegrationTests.Elevations;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Explain;

/// <summary>
/// <c>POST /api/v1/explain</c> answers what the webhook would answer for the caller now, with the same engine, and
/// names the templates (and command lines) that would cover exactly the request; it records nothing.
/// </summary>
public sealed class ExplainTests(TestServers servers) : LifecycleTest(servers)
{
    private const string Explain = "/api/v1/explain";

    [Fact]
    public async Task Without_an_elevation_it_names_the_templates_that_cover_exactly_this_request_and_the_command()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);

        var logs = await alice.PostJsonAsync(Explain, new { verb = "get", resource = "pods", subresource = "log", name = "api-1", @namespace = "payments" });

        Assert.True(logs.Status == HttpStatusCode.OK, logs.ToString());
        Assert.Equal("no_opinion", logs.Body.GetProperty("decision").GetString());
        Assert.Equal("oidc:" + Alice, logs.Body.GetProperty("user").GetString());
        Assert.Contains("system:authenticated", logs.Body.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        // pod-debug covers pods/log in any namespace; cluster-admin covers everything; team-admin only team-* namespaces.
        var templates = logs.Body.GetProperty("requestable").EnumerateArray().Select(r => r.GetProperty("template").GetProperty("name").GetString() ?? string.Empty).ToArray();
        Assert.Equal(["pod-debug", "cluster-admin"], templates);
        var first = logs.Body.GetProperty("requestable")[0];
        Assert.Equal("kubectl elevate request pod-debug -n payments --for 30m --reason \"<why>\"", first.GetProperty("command").GetString());
        Assert.Equal(1, first.GetProperty("template").GetProperty("approval").GetProperty("approvals").GetInt32());
        Assert.Contains("kubectl elevate request pod-debug -n payments", logs.Body.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("kubectl elevate request cluster-admin --for 30m --reason \"<why>\"", logs.Body.GetProperty("requestable")[1].GetProperty("command").GetString());

        // Nothing to request for a verb no template grants a developer.
        var developer = await Api(server, Carol, ["developers"]).PostJsonAsync(Explain, new { verb = "delete", resource = "secrets", @namespace = "payments" });
        Assert.Empty(developer.Body.GetProperty("requestable").EnumerateArray());
        Assert.Contains("no template you may request covers it", developer.Body.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_an_active_elevation_it_names_the_elevation_and_records_no_decision()
    {
        var server = await StartServerAsync();
        var alice = Requester(server);
        var active = await ActivePodDebugAsync(alice, Approver(server));
        await WaitUntilFreshAsync(server);
        var recordsBefore = File.Exists(server.DecisionLogPath) ? File.ReadAllLines(server.DecisionLogPath).Length : 0;

        var allowed = await alice.PostJsonAsync(Explain, new { verb = "get", resource = "pods", @namespace = "payments" });
        var elsewhere = await alice.PostJsonAsync(Explain, new { verb = "delete", resource = "deployments", api_group = "apps", @namespace = "payments" });

        Assert.True(allowed.Status == HttpStatusCode.OK, allowed.ToString());
        Assert.Equal("allow", allowed.Body.GetProperty("decision").GetString());
        Assert.Equal(active.Id, allowed.Body.GetProperty("elevation").GetProperty("id").GetGuid());
        Assert.Equal("pod-debug", allowed.Body.GetProperty("elevation").GetProperty("template").GetString());
        Assert.Equal("no_opinion", elsewhere.Body.GetProperty("decision").GetString());
        Assert.Equal(recordsBefore, File.Exists(server.DecisionLogPath) ? File.ReadAllLines(server.DecisionLogPath).Length : 0);
    }

    [Fact]
    public async Task An_enforced_guardrail_is_named_as_the_reason_for_a_deny()
    {
        var server = await StartServerAsync();

        var denied = await Requester(server).PostJsonAsync(Explain, new { verb = "get", resource = "secrets", @namespace = "kube-system" });

        Assert.Equal("deny", denied.Body.GetProperty("decision").GetString());
        Assert.Equal("kube-system-secrets", denied.Body.GetProperty("guardrail").GetProperty("name").GetString());
        Assert.Empty(denied.Body.GetProperty("requestable").EnumerateArray());
    }

    [Fact]
    public async Task Audit_mode_guardrails_are_named_to_auditors_only()
    {
        // The standard policy's audit guardrail, on the group as this service's identity mapping names it.
        var server = await StartServerAsync(policy: TestPolicies.Standard.Replace("groups: [\"legacy-cluster-admins\"]", "groups: [\"oidc:legacy-cluster-admins\"]", StringComparison.Ordinal));
        var body = new { verb = "delete", resource = "nodes" };

        var legacy = await Api(server, "legacy@example.com", ["legacy-cluster-admins"]).PostJsonAsync(Explain, body);
        var auditor = await Api(server, "legacy2@example.com", ["legacy-cluster-admins", "auditors"]).PostJsonAsync(Explain, body);

        Assert.Empty(legacy.Body.GetProperty("audit_guardrails").EnumerateArray());
        Assert.Equal("legacy-admin-use", Assert.Single(auditor.Body.GetProperty("audit_guardrails").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_non_resource_path_is_explained_too()
    {
        var server = await StartServerAsync();

        var metrics = await Requester(server).PostJsonAsync(Explain, new { verb = "get", path = "/metrics" });

        Assert.True(metrics.Status == HttpStatusCode.OK, metrics.ToString());
        Assert.Equal(["cluster-admin"], metrics.Body.GetProperty("requestable").EnumerateArray().Select(r => r.GetProperty("template").GetProperty("name").GetString() ?? string.Empty).ToArray());
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { """{"resource":"pods"}""", "verb" },
        { """{"verb":"GET","resource":"pods"}""", "verb" },
        { """{"verb":"get"}""", "resource" },
        { """{"verb":"get","resource":"Pods"}""", "resource" },
        { """{"verb":"get","resource":"pods","namespace":"Payments"}""", "namespace" },
        { """{"verb":"get","resource":"pods","path":"/healthz"}""", "path" },
        { """{"verb":"get","path":"healthz"}""", "path" },
        { """{"verb":"get","resource":"pods","name":"a\u0000b"}""", "name" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_request_kubernetes_could_not_make_is_refused_naming_the_field(string body, string field)
    {
        var server = await StartServerAsync();

        var refused = await Requester(server).PostRawAsync(Explain, body);

        Assert.True(refused.Status == HttpStatusCode.BadRequest, $"{body}: {refused}");
        Assert.True(HasError(refused, field), $"{body}: {refused}");
    }

    [Fact]
    public async Task An_unknown_field_or_no_token_is_refused()
    {
        var server = await StartServerAsync();

        var unknown = await Requester(server).PostRawAsync(Explain, """{"verb":"get","resource":"pods","user":"mallory"}""");
        var anonymous = await ApiWithToken(server, null).PostJsonAsync(Explain, new { verb = "get", resource = "pods" });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
    }
}
