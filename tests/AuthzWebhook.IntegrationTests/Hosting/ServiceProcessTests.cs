using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
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
        var webhookPort = FreePort.Next();
        var managementPort = FreePort.Next();
        var start = ServiceStartInfo();
        start.Environment["AuthzWebhook__InstanceName"] = "process-test";
        start.Environment["AuthzWebhook__Policy__Path"] = policyPath;
        start.Environment["AuthzWebhook__Webhook__BindAddress"] = "127.0.0.1";
        start.Environment["AuthzWebhook__Webhook__Port"] = webhookPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["AuthzWebhook__Webhook__CertificatePath"] = Pki.ServerCertificatePath;
        start.Environment["AuthzWebhook__Webhook__KeyPath"] = Pki.ServerKeyPath;
        start.Environment["AuthzWebhook__Webhook__ClientCaPath"] = Pki.CaPath;
        start.Environment["AuthzWebhook__Management__BindAddress"] = "127.0.0.1";
        start.Environment["AuthzWebhook__Management__Port"] = managementPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["AuthzWebhook__Api__BindAddress"] = "127.0.0.1";
        start.Environment["AuthzWebhook__Api__Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["AuthzWebhook__Api__CertificatePath"] = Pki.ServerCertificatePath;
        start.Environment["AuthzWebhook__Api__KeyPath"] = Pki.ServerKeyPath;
        foreach (var (key, value) in Idp.Settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment["AuthzWebhook__Postgres__ConnectionString"] = Database;
        start.Environment["AuthzWebhook__Redis__Configuration"] = Servers.RedisConfiguration;
        start.Environment["AuthzWebhook__Redis__KeyPrefix"] = RedisPrefix;

        var stdout = new ConcurrentQueue<string>();
        var stderr = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { stdout.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { stderr.Enqueue(e.Data); } };
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var probe = new HttpClient();
            await EventuallyAsync(
                async () =>
                {
                    try
                    {
                        return (await probe.GetAsync(new Uri($"http://127.0.0.1:{managementPort}/readyz"))).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        Assert.False(process.HasExited, "the service exited: " + string.Join('\n', stderr));
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30),
                "the service to become ready");

            using var client = Pki.CreateHttpClient(Pki.ClientCertificate);
            var reasons = new List<string>();
            for (var i = 0; i < 200; i++)
            {
                var body = i % 2 == 0
                    ? Reviews.Resource($"oidc:user{i}@example.com", ["oidc:sre"], "get", "pods", "payments")
                    : Reviews.Resource($"oidc:user{i}@example.com", ["oidc:sre"], "get", "secrets", "kube-system");
                using var content = new StringContent(body, Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(new Uri($"https://localhost:{webhookPort}/authorize"), content);
                reasons.Add(ReviewResult.Parse(await response.Content.ReadAsStringAsync()).Reason);
            }

            ProcessRunner.Run("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the service did not stop on SIGTERM");
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);

            var records = stdout.Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.All(records, r => Assert.Equal("authzwebhook.decision/v1", r.GetProperty("schema").GetString()));
            Assert.Equal(reasons.Order(StringComparer.Ordinal), records.Select(r => r.GetProperty("reason").GetString()!).Order(StringComparer.Ordinal));
            Assert.Contains(stderr, line => line.Contains("Application started", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

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
