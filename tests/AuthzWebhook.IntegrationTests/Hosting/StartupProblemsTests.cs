using System.Diagnostics;
using System.Globalization;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.IntegrationTests.Hosting;

/// <summary>
/// The built service started with an invalid policy or invalid settings, as a pod would be: it prints the problems, each
/// once and nothing else (a stack trace would bury them), and exits 1.
/// </summary>
public sealed class StartupProblemsTests(TestServers servers) : IntegrationTest(servers)
{
    private const string InvalidPolicy = """
        apiVersion: authzwebhook/v1
        templates:
          - name: pod-debug
            scope: everywhere
            namespaces: ["*"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: [""]
                resources: ["pods"]
                verbs: ["get"]
        guardrails:
          - name: kube-system-secrets
            mode: deny
            namespaces: ["kube-system"]
            rules:
              - apiGroups: [""]
                resources: ["secrets"]
                verbs: ["*"]
        """;

    [Fact]
    public async Task An_invalid_policy_stops_start_up_with_its_problems_alone_and_exit_code_1()
    {
        var (exit, stderr) = await StartAsync(InvalidPolicy, new Dictionary<string, string?>());

        Assert.True(exit == 1, $"exit code {exit}: {stderr}");
        AssertOnlyProblems(
            stderr,
            "policy.yaml:4:12: templates[0].scope: 'everywhere' must be 'namespaced' or 'cluster'",
            "templates[0].approval: is required",
            "guardrails[0].mode: 'deny' must be 'enforce' or 'audit'");
    }

    [Theory]
    // Checked when the host starts (ValidateOnStart), several at once.
    [InlineData("AuthzWebhook:InstanceName", "", "AuthzWebhook:InstanceName must be 1-253 characters.")]
    [InlineData("AuthzWebhook:Policy:ReloadInterval", "00:00:00", "AuthzWebhook:Policy:ReloadInterval must be between 00:00:00.1 and 01:00:00.")]
    // Checked while the listeners are set up, before the host starts.
    [InlineData("AuthzWebhook:Webhook:CertificatePath", "/nonexistent/tls.crt", "AuthzWebhook:Webhook:CertificatePath names /nonexistent/tls.crt, which does not exist")]
    [InlineData("AuthzWebhook:Webhook:Port", "eighty", "'eighty' at 'AuthzWebhook:Webhook:Port'")]
    [InlineData("AuthzWebhook:Api:CertificatePath", "/nonexistent/api.crt", "AuthzWebhook:Api:CertificatePath names /nonexistent/api.crt, which does not exist")]
    // A file that is there but is no PEM: found when the listener's certificates are loaded.
    [InlineData("AuthzWebhook:Webhook:ClientCaPath", "/proc/version", "AuthzWebhook:Webhook:ClientCaPath holds no PEM certificate")]
    public async Task An_invalid_setting_stops_start_up_with_its_problem_alone_and_exit_code_1(string key, string value, string problem)
    {
        var (exit, stderr) = await StartAsync(TestPolicies.Standard, new Dictionary<string, string?> { [key] = value });

        Assert.True(exit == 1, $"exit code {exit}: {stderr}");
        AssertOnlyProblems(stderr, problem);
    }

    [Fact]
    public async Task Two_listeners_on_one_port_stop_start_up_with_that_problem_alone_and_exit_code_1()
    {
        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var (exit, stderr) = await StartAsync(TestPolicies.Standard, new Dictionary<string, string?>
        {
            ["AuthzWebhook:Api:Port"] = port,
            ["AuthzWebhook:Management:Port"] = port,
        });

        Assert.True(exit == 1, $"exit code {exit}: {stderr}");
        AssertOnlyProblems(stderr, $"AuthzWebhook:Api:Port ({port}) and AuthzWebhook:Management:Port ({port}) must all differ.");
    }

    [Fact]
    public async Task Every_invalid_setting_is_reported_at_once()
    {
        var (exit, stderr) = await StartAsync(TestPolicies.Standard, new Dictionary<string, string?>
        {
            ["AuthzWebhook:InstanceName"] = new string('x', 254),
            ["AuthzWebhook:Policy:ReloadInterval"] = "02:00:00",
        });

        Assert.True(exit == 1, $"exit code {exit}: {stderr}");
        AssertOnlyProblems(stderr, "AuthzWebhook:InstanceName must be 1-253 characters.", "AuthzWebhook:Policy:ReloadInterval must be between");
    }

    private static void AssertOnlyProblems(string stderr, params string[] problems)
    {
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        foreach (var problem in problems)
        {
            var lines = stderr.Split('\n').Count(line => line.Contains(problem, StringComparison.Ordinal));
            Assert.True(lines == 1, $"'{problem}' on {lines} lines of: {stderr}");
        }
    }

    /// <summary>Runs the service with a valid configuration but for <paramref name="settings"/>, until it exits.</summary>
    private async Task<(int Exit, string Stderr)> StartAsync(string policy, Dictionary<string, string?> settings)
    {
        var work = Directory.CreateTempSubdirectory("authz-test-startup-").FullName;
        var policyPath = Path.Combine(work, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, policy);
        var all = new Dictionary<string, string?>(Idp.Settings)
        {
            ["AuthzWebhook:InstanceName"] = "startup-test",
            ["AuthzWebhook:Policy:Path"] = policyPath,
            ["AuthzWebhook:Postgres:ConnectionString"] = Database,
            ["AuthzWebhook:Redis:Configuration"] = Servers.RedisConfiguration,
            ["AuthzWebhook:Redis:KeyPrefix"] = RedisPrefix,
            ["AuthzWebhook:DecisionStore:SpoolPath"] = Path.Combine(work, "spool", "decisions.spool"),
            ["AuthzWebhook:Webhook:BindAddress"] = "127.0.0.1",
            ["AuthzWebhook:Webhook:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["AuthzWebhook:Webhook:CertificatePath"] = Pki.ServerCertificatePath,
            ["AuthzWebhook:Webhook:KeyPath"] = Pki.ServerKeyPath,
            ["AuthzWebhook:Webhook:ClientCaPath"] = Pki.CaPath,
            ["AuthzWebhook:Api:BindAddress"] = "127.0.0.1",
            ["AuthzWebhook:Api:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["AuthzWebhook:Api:CertificatePath"] = Pki.ServerCertificatePath,
            ["AuthzWebhook:Api:KeyPath"] = Pki.ServerKeyPath,
            ["AuthzWebhook:Management:BindAddress"] = "127.0.0.1",
            ["AuthzWebhook:Management:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var start = ServiceCommand.StartInfo();
        foreach (var (key, value) in all)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                // It started after all: stop it rather than leave it running.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            return (process.ExitCode, await stderr);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
