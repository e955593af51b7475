using AuthzWebhook.AuditEvents;
using AuthzWebhook.TestSupport;

namespace AuthzWebhook.Tests.AuditEvents;

/// <summary>Reading an API server audit log: which events carry a decision id of this webhook, once per request.</summary>
public sealed class AuditLogReaderTests
{
    private static readonly Guid Decided = Guid.Parse("019b1a2c-7e4f-7b3a-9c1d-5e6f7a8b9c0d");

    [Fact]
    public void A_request_audited_at_two_stages_counts_once_with_its_response_complete_event()
    {
        var log = new KubernetesAuditLog().Request("oidc:alice@example.com", "get", "pods", "payments", "api-1", Reason(Decided), subresource: "log");

        var scan = AuditLogReader.Read(log.Lines);

        Assert.Equal(2, scan.Events);
        var e = Assert.Single(scan.WithDecision);
        Assert.Equal((AuditedRequest.ResponseComplete, Decided, "oidc:alice@example.com", "get"), (e.Stage, e.DecisionId, e.User, e.Verb));
        Assert.Equal("pods/log payments/api-1", e.Target);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$", e.ReceivedAt);
    }

    [Fact]
    public void Events_without_the_webhooks_reason_are_read_but_not_joined()
    {
        var log = new KubernetesAuditLog()
            .Request("oidc:bob@example.com", "list", "pods", "payments", null, "RBAC: allowed by ClusterRoleBinding \"sre\" of ClusterRole \"view\" to Group \"oidc:sre\"", "allow")
            .Request("oidc:bob@example.com", "get", "pods", "payments", "api-1", "internal error")
            .Request("system:serviceaccount:kube-system:replicaset-controller", "update", "replicasets", "payments", "api", reason: null);

        var scan = AuditLogReader.Read(log.Lines);

        Assert.Equal(6, scan.Events);
        Assert.Empty(scan.WithDecision);
    }

    [Fact]
    public void Lines_that_are_not_audit_events_are_counted_and_skipped()
    {
        var log = new KubernetesAuditLog()
            .Request("oidc:alice@example.com", "get", "pods", "payments", "api-1", Reason(Decided))
            .Line("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"4d2f")
            .Line("{\"kind\":\"Event\",\"apiVersion\":\"events.k8s.io/v1\",\"metadata\":{\"name\":\"api-1.17f\"}}")
            .Line("[\"not\",\"an\",\"object\"]")
            .Line(string.Empty);

        var scan = AuditLogReader.Read(log.Lines);

        Assert.Equal((2L, 3L), (scan.Events, scan.NotEvents));
        Assert.Equal(Decided, Assert.Single(scan.WithDecision).DecisionId);
    }

    [Fact]
    public void The_decision_id_is_found_on_any_line_of_a_reason_the_api_server_joined_from_several_authorizers()
    {
        // With no authorizer deciding, kube-apiserver joins their non-empty reasons with line breaks.
        var reason = "node authorizer: not a node\n" + Reason(Decided) + "\nRBAC: rolebinding lookup failed";

        Assert.Equal(Decided, AuditLogReader.DecisionIdIn(reason));
        Assert.Null(AuditLogReader.DecisionIdIn("RBAC: allowed by RoleBinding \"decision 019b1a2c-7e4f-7b3a-9c1d-5e6f7a8b9c0d\""));
        Assert.Null(AuditLogReader.DecisionIdIn("decision 019b1a2c-7e4f-7b3a-9c1d: truncated"));
    }

    [Fact]
    public void Without_a_response_complete_event_the_latest_stage_seen_stands()
    {
        var lines = new KubernetesAuditLog().Request("oidc:alice@example.com", "get", "pods", "payments", "api-1", Reason(Decided)).Lines.ToList();
        lines[1] = lines[1].Replace("\"ResponseComplete\"", "\"Panic\"", StringComparison.Ordinal);

        var e = Assert.Single(AuditLogReader.Read(lines).WithDecision);

        Assert.Equal("Panic", e.Stage);
    }

    [Fact]
    public void A_later_stage_does_not_replace_the_response_complete_event()
    {
        var lines = new KubernetesAuditLog().Request("oidc:alice@example.com", "watch", "pods", "payments", null, Reason(Decided), "allow", requestReceived: false).Lines.ToList();
        lines.Add(lines[0].Replace("\"ResponseComplete\"", "\"ResponseStarted\"", StringComparison.Ordinal));

        var scan = AuditLogReader.Read(lines);

        Assert.Equal(2, scan.Events);
        Assert.Equal(AuditedRequest.ResponseComplete, Assert.Single(scan.WithDecision).Stage);
    }

    private static string Reason(Guid id) => $"decision {id}: no active elevation covers this request; you may request pod-debug for namespace payments; run: kubectl elevate request pod-debug -n payments --for 30m --reason \"<why>\"";
}
