using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.TestSupport;
using Npgsql;

namespace AuthzWebhook.IntegrationTests.AuditEvents;

/// <summary>
/// <c>correlate</c>, run as <c>make correlate</c> runs it: an API server audit log that quotes the reasons a running
/// service gave is joined with the decisions that service stored in Postgres.
/// </summary>
public sealed class CorrelateCommandTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task An_audit_log_quoting_the_services_reasons_joins_with_its_stored_decisions()
    {
        var server = await StartServerAsync();
        await server.Service<AuthzWebhook.Windows.WindowWriter>().CreateAsync(UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30)), default);
        var allowed = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments", "log", name: "api-1"));
        var noOpinion = await server.ReviewAsync(Reviews.Resource("oidc:bob@example.com", ["oidc:sre"], "delete", "pods", "payments", name: "api-2"));
        var denied = await server.ReviewAsync(Reviews.Resource("oidc:bob@example.com", ["oidc:sre"], "get", "secrets", "kube-system", name: "bootstrap-token"));
        var listed = await server.ReviewAsync(Reviews.Resource("oidc:carol@example.com", ["oidc:developers"], "list", "pods", "payments"));
        Assert.True(allowed.Allowed && denied.Denied && !noOpinion.Allowed && !noOpinion.Denied, "the reviews decided as the test assumes");
        Guid[] ids = [allowed.DecisionId, noOpinion.DecisionId, denied.DecisionId, listed.DecisionId];
        await server.WaitForRecordAsync(ids[^1]);
        await EventuallyAsync(async () => await StoredAsync(ids) == ids.Length, TimeSpan.FromSeconds(15), "the four decisions in Postgres");

        var missing = Guid.CreateVersion7();
        var log = new KubernetesAuditLog()
            .Request("oidc:alice@example.com", "get", "pods", "payments", "api-1", allowed.Reason, "allow", subresource: "log")
            .Request("system:serviceaccount:kube-system:replicaset-controller", "update", "replicasets", "payments", "api", reason: null)
            .Request("oidc:bob@example.com", "delete", "pods", "payments", "api-2", noOpinion.Reason)
            .Request("oidc:bob@example.com", "get", "secrets", "kube-system", "bootstrap-token", denied.Reason)
            .Line("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"9a0c")
            // The same request within unauthorizedTTL: answered from the API server's cache, with the same reason.
            .Request("oidc:bob@example.com", "get", "secrets", "kube-system", "bootstrap-token", denied.Reason)
            .Request("oidc:carol@example.com", "list", "pods", "payments", null, listed.Reason)
            .Request("oidc:carol@example.com", "get", "configmaps", "payments", "settings", "RBAC: allowed by RoleBinding \"dev/payments\" of Role \"dev\" to Group \"oidc:developers\"", "allow")
            .Request("oidc:mallory@example.com", "get", "pods", "payments", "api-3", $"decision {missing}: no active elevation covers this request");
        var file = await log.WriteAsync();
        try
        {
            var (exit, stdout, stderr) = await CorrelateAsync(file, Database);

            Assert.True(exit == 0, stdout + stderr);
            var lines = stdout.Split('\n', StringSplitOptions.TrimEntries);
            Assert.Contains("audit events read:             16 (1 other line(s) skipped: not audit events)", lines);
            Assert.Contains("requests with a decision id:   6 (one per auditID)", lines);
            Assert.Contains("matched in decisions:          5", lines);
            Assert.Contains("unmatched:                     1 (join rate 83.3%)", lines);
            Assert.Contains("decisions on several requests: 1 (answers the API server served from its cache)", lines);
            var row = Assert.Single(lines, l => l.Contains(missing.ToString(), StringComparison.Ordinal));
            Assert.Contains("oidc:mallory@example.com", row, StringComparison.Ordinal);
            Assert.Contains("pods payments/api-3", row, StringComparison.Ordinal);
            Assert.Equal("join rate: 83.3%", lines.Last(l => l.Length > 0));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_or_a_database_that_cannot_be_reached_exits_2()
    {
        var (noFile, _, noFileError) = await CorrelateAsync(Path.Combine(Path.GetTempPath(), $"authz-absent-{Guid.NewGuid():N}.log"), Database);
        Assert.Equal(2, noFile);
        Assert.Contains("cannot read", noFileError, StringComparison.Ordinal);

        var file = await new KubernetesAuditLog().Request("oidc:alice@example.com", "get", "pods", "payments", "api-1", $"decision {Guid.CreateVersion7()}: no opinion").WriteAsync();
        try
        {
            var unreachable = new NpgsqlConnectionStringBuilder(Database) { Host = "127.0.0.1", Port = FreePort.Next(), Timeout = 2 }.ConnectionString;
            var (noDatabase, stdout, noDatabaseError) = await CorrelateAsync(file, unreachable);
            Assert.Equal(2, noDatabase);
            Assert.Contains("cannot query the decisions in Postgres", noDatabaseError, StringComparison.Ordinal);
            Assert.Equal(string.Empty, stdout.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<long> StoredAsync(Guid[] ids)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM decisions WHERE decision_id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs the built service's <c>correlate</c> command with nothing but the Postgres setting, as <c>make correlate</c> does.</summary>
    private static Task<(int Exit, string Stdout, string Stderr)> CorrelateAsync(string file, string postgres) =>
        ServiceCommand.RunAsync(new Dictionary<string, string> { ["AuthzWebhook__Postgres__ConnectionString"] = postgres }, "correlate", file);
}
