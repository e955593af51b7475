using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Hosting;

/// <summary>
/// The built service as its own process, as it runs in a pod: stdout must carry decision records and nothing else
/// (a SIEM parses every line), and a graceful stop (SIGTERM) must flush every record it owes.
/// </summary>
public sealed class ServiceProcessTests(TestServers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task Stdout_carries_only_decision_records_and_a_graceful_stop_flushes_all_of_them()
    {
        var work = Directory.CreateTempSubdirectory("authz-test-process-").FullName;
        var policyPath = Path.Combine(work, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, TestPolicies.Standard);
        var settings = new Dictionary<string, string?>(Idp.Settings)
        {
            ["AuthzWebhook:InstanceName"] = "process-test",
            ["AuthzWebhook:Policy:Path"] = policyPath,
            ["AuthzWebhook:Postgres:ConnectionString"] = Database,
            ["AuthzWebhook:Redis:Configuration"] = Servers.RedisConfiguration,
            ["AuthzWebhook:Redis:KeyPrefix"] = RedisPrefix,
            ["AuthzWebhook:DecisionStore:SpoolPath"] = Path.Combine(work, "spool", "decisions.spool"),
        };

        try
        {
            await using var service = await ServiceProcess.StartAsync(Pki, settings);
            using var client = Pki.CreateHttpClient(Pki.ClientCertificate);

            // Reviews in flight when SIGTERM arrives are answered, and their records written, before the exit; those
            // sent after the listener closed are refused (the API server retries them on another replica).
            var reviews = Enumerable.Range(0, 200).Select(async i =>
            {
                var body = i % 2 == 0
                    ? Reviews.Resource($"oidc:user{i}@example.com", ["oidc:sre"], "get", "pods", "payments")
                    : Reviews.Resource($"oidc:user{i}@example.com", ["oidc:sre"], "get", "secrets", "kube-system");
                using var content = new StringContent(body, Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                try
                {
                    using var response = await client.PostAsync(service.AuthorizeUri, content);
                    return ReviewResult.Parse(await response.Content.ReadAsStringAsync()).Reason;
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }).ToList();
            // Stop as soon as the first of them is answered: the rest are then in flight, queued or not yet sent.
            await Task.WhenAny(reviews);

            Assert.Equal(0, service.Stop());
            var reasons = (await Task.WhenAll(reviews)).OfType<string>().ToList();
            Assert.NotEmpty(reasons);

            var records = service.Stdout.Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.All(records, r => Assert.Equal("authzwebhook.decision/v1", r.GetProperty("schema").GetString()));
            Assert.Subset(records.Select(r => r.GetProperty("reason").GetString()!).ToHashSet(StringComparer.Ordinal), reasons.ToHashSet(StringComparer.Ordinal));
            Assert.Contains(service.Stderr, line => line.Contains("Application started", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task The_migrate_command_applies_the_schema_and_exits_without_any_listener_settings()
    {
        var start = ServiceStartInfo("migrate");
        start.Environment["AuthzWebhook__Postgres__ConnectionString"] = Database;

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var migrations = AuthzWebhook.Storage.Postgres.MigrationRunner.Discover(AuthzWebhook.Storage.Postgres.MigrationRunner.DefaultDirectory).Count;
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains($"migrations applied: {migrations}", await stderr, StringComparison.Ordinal);
        await using var connection = new Npgsql.NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM schema_migrations", connection);
        Assert.Equal(migrations, (long)(await command.ExecuteScalarAsync())!);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task The_dev_token_command_refuses_to_mint_outside_development(string environment)
    {
        var start = ServiceStartInfo("dev-token", "--user", "mallory@example.com", "--groups", "authz-admins");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["AuthzWebhook__DevelopmentIssuer__Enabled"] = "true";
        start.Environment["AuthzWebhook__DevelopmentIssuer__SigningKeyPath"] = Path.Combine(Path.GetTempPath(), $"authz-dev-key-{Guid.NewGuid():N}.pem");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, process.ExitCode);
        Assert.Equal(string.Empty, (await stdout).Trim());
        Assert.Contains("refused", await stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(start.Environment["AuthzWebhook__DevelopmentIssuer__SigningKeyPath"]));
    }

    [Fact]
    public async Task The_dev_token_command_mints_a_token_in_development()
    {
        var keyPath = Path.Combine(Path.GetTempPath(), $"authz-dev-key-{Guid.NewGuid():N}.pem");
        var start = ServiceStartInfo("dev-token", "--user", "alice@example.com", "--groups", "sre,oncall", "--mfa");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["AuthzWebhook__DevelopmentIssuer__Enabled"] = "true";
        start.Environment["AuthzWebhook__DevelopmentIssuer__SigningKeyPath"] = keyPath;
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(process.ExitCode == 0, await stderr);
            var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken((await stdout).Trim());
            Assert.Equal("alice@example.com", token.GetClaim("email").Value);
            Assert.Equal(["sre", "oncall"], token.Claims.Where(c => c.Type == "groups").Select(c => c.Value).ToArray());
            Assert.Contains(token.Claims, c => c.Type == "amr" && c.Value == "mfa");
        }
        finally
        {
            File.Delete(keyPath);
        }
    }

    private static ProcessStartInfo ServiceStartInfo(params string[] arguments) => ServiceCommand.StartInfo(arguments);
}
