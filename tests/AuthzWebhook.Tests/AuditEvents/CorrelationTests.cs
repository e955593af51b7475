using AuthzWebhook.AuditEvents;
using AuthzWebhook.TestSupport;

namespace AuthzWebhook.Tests.AuditEvents;

/// <summary>The join of audit events with stored decisions, and the report <c>correlate</c> prints.</summary>
public sealed class CorrelationTests
{
    [Fact]
    public void Matched_unmatched_and_cached_decisions_are_counted_per_request()
    {
        var (stored, cached, missing) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var log = new KubernetesAuditLog()
            .Request("oidc:alice@example.com", "get", "pods", "payments", "api-1", Reason(stored), "allow")
            .Request("oidc:bob@example.com", "get", "secrets", "kube-system", "token", Reason(cached))
            .Request("oidc:bob@example.com", "get", "secrets", "kube-system", "token", Reason(cached))
            .Request("oidc:carol@example.com", "delete", "pods", "payments", "api-2", Reason(missing))
            .Request("oidc:carol@example.com", "list", "pods", "payments", null, "RBAC: allowed by ClusterRoleBinding \"view\"", "allow")
            .Line("not json");

        var report = Correlation.Join(AuditLogReader.Read(log.Lines), new HashSet<Guid> { stored, cached });

        Assert.Equal((10L, 1L, 4, 3, 1, 1), (report.Events, report.NotEvents, report.WithDecision, report.Matched, report.Unmatched, report.DecisionsOnSeveralRequests));
        Assert.Equal(75, report.JoinRate);
        var lines = report.Lines().ToList();
        Assert.Equal("join rate: 75%", lines[^1]);
        var row = Assert.Single(lines, l => l.Contains(missing.ToString(), StringComparison.Ordinal));
        Assert.Contains("oidc:carol@example.com", row, StringComparison.Ordinal);
        Assert.Contains("delete", row, StringComparison.Ordinal);
        Assert.Contains("pods payments/api-2", row, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rate_is_rounded_down_so_that_100_percent_means_every_request_joined()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => Guid.CreateVersion7()).ToList();
        var log = new KubernetesAuditLog();
        foreach (var id in ids)
        {
            log.Request("oidc:alice@example.com", "get", "pods", "payments", "api-1", Reason(id), requestReceived: false);
        }

        var report = Correlation.Join(AuditLogReader.Read(log.Lines), ids.Skip(1).ToHashSet());

        Assert.Equal("99.9%", report.JoinRateText);
        Assert.Contains("unmatched requests (1, by time received):", report.Lines());
    }

    [Fact]
    public void At_most_20_unmatched_requests_are_listed_oldest_first()
    {
        var log = new KubernetesAuditLog();
        var ids = Enumerable.Range(0, 25).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var id in ids)
        {
            log.Request("oidc:alice@example.com", "get", "pods", "payments", "api-1", Reason(id));
        }

        var report = Correlation.Join(AuditLogReader.Read(log.Lines), new HashSet<Guid>());

        Assert.Equal(ids.Take(20), report.UnmatchedSample.Select(e => e.DecisionId));
        Assert.Contains("unmatched requests (the first 20 of 25, by time received):", report.Lines());
        Assert.Equal("join rate: 0%", report.Lines().Last());
    }

    [Fact]
    public void Control_characters_from_the_audit_log_do_not_reach_the_terminal()
    {
        var id = Guid.CreateVersion7();
        var log = new KubernetesAuditLog().Request("oidc:eve@example.com\u001b[2J", "get", "pods", "payments", "api-1\r\nforged", Reason(id));

        var lines = Correlation.Join(AuditLogReader.Read(log.Lines), new HashSet<Guid>()).Lines().ToList();

        Assert.DoesNotContain(lines, l => l.Any(char.IsControl));
        Assert.Contains(lines, l => l.Contains("oidc:eve@example.com?[2J", StringComparison.Ordinal));
    }

    [Fact]
    public void A_log_without_any_decision_id_has_no_join_rate()
    {
        var log = new KubernetesAuditLog().Request("system:kube-scheduler", "create", "bindings", "payments", null, reason: null);

        var report = Correlation.Join(AuditLogReader.Read(log.Lines), new HashSet<Guid>());

        Assert.Null(report.JoinRate);
        Assert.Equal("join rate: n/a", report.Lines().Last());
    }

    private static string Reason(Guid id) => $"decision {id}: no active elevation covers this request";
}
