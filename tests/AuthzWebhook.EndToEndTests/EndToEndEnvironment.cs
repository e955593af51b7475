using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AuthzWebhook.EndToEndTests.Cluster;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.EndToEndTests;

/// <summary>
/// Everything the end-to-end scenarios share, started once: Postgres, Redis, AuthzWebhook as <c>make run</c> starts it
/// (Development, its token issuer, the development policy), one etcd and two real kube-apiservers wired to it, one per
/// <see cref="Placement"/>. Logs of every process are kept under TestResults/e2e.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes a collection fixture through IAsyncLifetime.DisposeAsync, which disposes them.")]
public sealed class EndToEndEnvironment : IAsyncLifetime
{
    public const string ClientId = "authz-webhook";

    private readonly ConcurrentDictionary<string, Task<Person>> _people = new(StringComparer.Ordinal);
    private TestServers? _servers;
    private ClusterPki? _clusterPki;
    private Etcd? _etcd;
    private Dictionary<string, string?> _settings = [];
    private readonly ServicePorts _ports = ServicePorts.Fresh();
    private readonly List<string> _earlierStdout = [];
    private readonly List<string> _earlierStderr = [];

    public TestPki WebhookPki { get; } = new();

    public string WorkDirectory { get; } = Path.Combine(RepositoryRoot.Path, "TestResults", "e2e");

    public ServiceProcess Service { get; private set; } = null!;

    public KubeApiServer WebhookFirst { get; private set; } = null!;

    public KubeApiServer RbacFirst { get; private set; } = null!;

    /// <summary>The service's Postgres database (connection string), for commands such as <c>correlate</c>.</summary>
    public string Database { get; private set; } = string.Empty;

    public ElevationClient Api => new(WebhookPki, () => _ports.Api);

    public string IssuerUrl => $"https://127.0.0.1:{_ports.Api}/dev-issuer";

    /// <summary>The approver every scenario uses: an SRE lead.</summary>
    public Task<Person> ApproverAsync() => SignInAsync("bob@example.com", "sre-leads");

    public KubeApiServer Server(Placement placement) => placement == Placement.WebhookFirst ? WebhookFirst : RbacFirst;

    public async Task InitializeAsync()
    {
        if (Directory.Exists(WorkDirectory))
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }

        Directory.CreateDirectory(WorkDirectory);
        var binaries = KubeBinaries.Ensure();
        _servers = new TestServers();
        Database = _servers.CreateDatabase();
        _settings = ServiceSettings(Database, _servers.RedisConfiguration);
        Service = await ServiceProcess.StartAsync(WebhookPki, _settings, _ports);

        _clusterPki = new ClusterPki(Path.Combine(WorkDirectory, "cluster-pki"));
        var (clientCertificate, clientKey) = _clusterPki.WritePair("webhook-client", WebhookPki.ClientCertificate);
        var webhook = new WebhookEndpoint(_ports.Webhook, WebhookPki.CaPath, clientCertificate, clientKey, IssuerUrl, ClientId);
        _etcd = await Etcd.StartAsync(binaries.Etcd, WorkDirectory);
        var first = KubeApiServer.StartAsync(binaries, _etcd, _clusterPki, webhook, Placement.WebhookFirst, Path.Combine(WorkDirectory, Placement.WebhookFirst.Name));
        var second = KubeApiServer.StartAsync(binaries, _etcd, _clusterPki, webhook, Placement.RbacFirst, Path.Combine(WorkDirectory, Placement.RbacFirst.Name));
        // Both awaited before either failure is passed on, so that a started one is kept and disposed.
        await Task.WhenAll(first.ContinueWith(_ => { }, TaskScheduler.Default), second.ContinueWith(_ => { }, TaskScheduler.Default));
        WebhookFirst = first.IsCompletedSuccessfully ? first.Result : null!;
        RbacFirst = second.IsCompletedSuccessfully ? second.Result : null!;
        await Task.WhenAll(first, second);

        var probe = await ApproverAsync();
        await Task.WhenAll(WebhookFirst.WaitForTokensAsync(probe.Token), RbacFirst.WaitForTokensAsync(probe.Token));
        foreach (var server in new[] { WebhookFirst, RbacFirst })
        {
            foreach (var ns in new[] { "payments", "other" })
            {
                await server.Admin.MustAsync(null, "create", "namespace", ns);
            }
        }
    }

    /// <summary>
    /// A token from the development issuer, minted by <c>dev-token</c> as <c>make dev-token</c> does; one per email.
    /// </summary>
    public Task<Person> SignInAsync(string email, params string[] groups) =>
        _people.GetOrAdd(email, _ => MintAsync(email, groups));

    /// <summary>Stops the service (SIGTERM, as a pod is stopped); the API servers keep running and keep calling it.</summary>
    public int StopService() => Service.Stop();

    /// <summary>Starts the service again on the same ports, database, Redis prefix and spool.</summary>
    public async Task StartServiceAgainAsync()
    {
        _earlierStdout.AddRange(Service.Stdout);
        _earlierStderr.AddRange(Service.Stderr);
        await Service.DisposeAsync();
        Service = await ServiceProcess.StartAsync(WebhookPki, _settings, _ports);
    }

    /// <summary>Applies a manifest as the cluster administrator of <paramref name="server"/>.</summary>
    public async Task ApplyAsync(KubeApiServer server, string name, string manifest)
    {
        var path = Path.Combine(WorkDirectory, $"{name}.{server.Placement.Name}.yaml");
        await File.WriteAllTextAsync(path, manifest);
        await server.Admin.MustAsync(null, "apply", "-f", path);
    }

    /// <summary>The decision records the service has printed so far for <paramref name="person"/>.</summary>
    public IReadOnlyList<JsonElement> RecordsOf(Person person) =>
        [.. DecisionRecords.Parse(Stdout).Where(r => r.User() == person.UserName)];

    /// <summary>Everything the service printed on stdout (decision records), across restarts.</summary>
    public IEnumerable<string> Stdout => _earlierStdout.Concat(Service.Stdout);

    /// <summary>Every step runs whatever the others did, so that one failure never leaves processes running.</summary>
    public async Task DisposeAsync()
    {
        var failures = new List<Exception>();
        async Task StepAsync(Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        await StepAsync(async () => { if (WebhookFirst is not null) { await WebhookFirst.DisposeAsync(); } });
        await StepAsync(async () => { if (RbacFirst is not null) { await RbacFirst.DisposeAsync(); } });
        await StepAsync(() => { _etcd?.Dispose(); return Task.CompletedTask; });
        await StepAsync(async () =>
        {
            if (Service is not null)
            {
                await File.WriteAllLinesAsync(Path.Combine(WorkDirectory, "authz-webhook.stdout.jsonl"), Stdout);
                await File.WriteAllLinesAsync(Path.Combine(WorkDirectory, "authz-webhook.stderr.log"), _earlierStderr.Concat(Service.Stderr));
                await Service.DisposeAsync();
            }
        });
        await StepAsync(() => { _servers?.Dispose(); return Task.CompletedTask; });
        await StepAsync(() => { _clusterPki?.Dispose(); return Task.CompletedTask; });
        await StepAsync(() => { EndToEndReport.Write(Path.Combine(WorkDirectory, "..", "e2e.md")); return Task.CompletedTask; });
        WebhookPki.Dispose();
        if (failures.Count > 0)
        {
            throw new AggregateException("cleaning up the end-to-end environment", failures);
        }
    }

    private Dictionary<string, string?> ServiceSettings(string database, string redis) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["AuthzWebhook:InstanceName"] = "e2e",
        ["AuthzWebhook:Webhook:AllowedClientNames:0"] = "kube-apiserver",
        ["AuthzWebhook:Postgres:ConnectionString"] = database,
        ["AuthzWebhook:Redis:Configuration"] = redis,
        ["AuthzWebhook:Redis:KeyPrefix"] = "e2e:",
        ["AuthzWebhook:Policy:Path"] = Path.Combine(RepositoryRoot.Path, "policy", "development.yaml"),
        ["AuthzWebhook:DecisionStore:SpoolPath"] = Path.Combine(WorkDirectory, "spool", "decisions.spool"),
        ["AuthzWebhook:DevelopmentIssuer:Enabled"] = "true",
        ["AuthzWebhook:DevelopmentIssuer:Issuer"] = IssuerUrl,
        ["AuthzWebhook:DevelopmentIssuer:SigningKeyPath"] = Path.Combine(WorkDirectory, "dev-issuer", "signing-key.pem"),
        // The identity mapping of the API server's --oidc-* flags, as in appsettings.Development.json.
        ["AuthzWebhook:Identity:UsernameClaim"] = "email",
        ["AuthzWebhook:Identity:UsernamePrefix"] = "oidc:",
        ["AuthzWebhook:Identity:GroupsClaim"] = "groups",
        ["AuthzWebhook:Identity:GroupsPrefix"] = "oidc:",
        ["AuthzWebhook:Identity:AdminGroups:0"] = "oidc:authz-admins",
        ["AuthzWebhook:Identity:AuditorGroups:0"] = "oidc:auditors",
    };

    private async Task<Person> MintAsync(string email, string[] groups)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in _settings)
        {
            if (key.Contains("DevelopmentIssuer", StringComparison.Ordinal) || key == "ASPNETCORE_ENVIRONMENT")
            {
                environment[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
            }
        }

        var (exit, stdout, stderr) = await ServiceCommand.RunAsync(environment, "dev-token", "--user", email, "--groups", string.Join(',', groups));
        Assert.True(exit == 0, $"dev-token exited {exit}: {stderr}");
        return new Person(email, groups, stdout.Trim());
    }
}
