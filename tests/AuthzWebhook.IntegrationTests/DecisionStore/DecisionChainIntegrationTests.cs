using AuthzWebhook.DecisionStore;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.DecisionStore;

/// <summary>The records a running service writes carry an intact hash chain, and <c>verify-log</c> says so — or where it breaks.</summary>
public sealed class DecisionChainIntegrationTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task The_records_a_service_writes_verify_and_a_tampered_copy_is_caught_at_its_line()
    {
        var server = await StartServerAsync();
        var now = DateTimeOffset.UtcNow;
        await server.Service<AuthzWebhook.Windows.WindowWriter>().CreateAsync(UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], now.AddMinutes(-1), TimeSpan.FromMinutes(30)), default);
        var reviews = new[]
        {
            Reviews.Resource("oidc:alice@example.com", ["oidc:sre"], "get", "pods", "payments", "log"),
            Reviews.Resource("oidc:bob@example.com", ["oidc:sre"], "get", "pods", "payments"),
            Reviews.Resource("oidc:bob@example.com", ["oidc:sre"], "get", "secrets", "kube-system"),
        };
        var last = Guid.Empty;
        for (var i = 0; i < 30; i++)
        {
            last = (await server.ReviewAsync(reviews[i % reviews.Length])).DecisionId;
        }

        await server.WaitForRecordAsync(last);
        var lines = File.ReadAllLines(server.DecisionLogPath).Where(l => l.Length > 0).ToList();
        var report = DecisionChainVerifier.Verify(lines);
        Assert.True(report.IsIntact, string.Join('\n', report.Problems.Select(p => p.Message)));
        Assert.Equal(30, report.Records);

        var (intactExit, intactOutput) = await VerifyLogAsync(server.DecisionLogPath);
        Assert.True(intactExit == 0, intactOutput);
        Assert.Contains("intact: 30 records", intactOutput, StringComparison.Ordinal);

        var tampered = Path.Combine(Path.GetTempPath(), $"authz-tampered-{Guid.NewGuid():N}.jsonl");
        // Line 7 is one of alice's allowed reviews: make it look like someone else's.
        Assert.Contains("oidc:alice@example.com", lines[6], StringComparison.Ordinal);
        lines[6] = lines[6].Replace("oidc:alice@example.com", "oidc:mallory@example.com", StringComparison.Ordinal);
        lines.RemoveAt(12);
        await File.WriteAllLinesAsync(tampered, lines);
        try
        {
            var (exit, output) = await VerifyLogAsync(tampered);
            Assert.Equal(1, exit);
            Assert.Contains("line 7:", output, StringComparison.Ordinal);
            Assert.Contains(": edit:", output, StringComparison.Ordinal);
            Assert.Contains("line 13:", output, StringComparison.Ordinal);
            Assert.Contains(": gap:", output, StringComparison.Ordinal);
            Assert.Contains("the first is at line 7", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(tampered);
        }
    }

    /// <summary>Runs the built service's <c>verify-log</c> command, as <c>make verify-log</c> does.</summary>
    private static async Task<(int Exit, string Output)> VerifyLogAsync(string file)
    {
        var (exit, stdout, stderr) = await ServiceCommand.RunAsync(null, "verify-log", file);
        return (exit, stdout + stderr);
    }
}
