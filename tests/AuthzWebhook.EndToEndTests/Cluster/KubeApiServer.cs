using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using AuthzWebhook.IntegrationTests.Infrastructure;

namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>
/// A real kube-apiserver 1.20 as a plain process on a free loopback port, wired to AuthzWebhook as production would be
/// with 1.20's flags: the authorization webhook (<see cref="Placement"/>), the audit log file and the audit webhook to
/// <c>/audit</c>, and the OIDC authenticator trusting the same issuer as the service with the same identity mapping.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private readonly BackgroundProcess _process;
    private readonly ClusterPki _pki;

    private KubeApiServer(BackgroundProcess process, ClusterPki pki, Placement placement, int port, string directory, Kubectl admin, Kubectl scheduler, Kubectl person)
    {
        _process = process;
        _pki = pki;
        Placement = placement;
        Port = port;
        Directory = directory;
        Admin = admin;
        Scheduler = scheduler;
        Person = person;
    }

    public Placement Placement { get; }

    public int Port { get; }

    public string Directory { get; }

    public Uri Url => new($"https://127.0.0.1:{Port}");

    /// <summary>The API server's audit log (JSON lines), as <c>make correlate</c> reads it.</summary>
    public string AuditLogPath => Path.Combine(Directory, "audit.log");

    /// <summary>kubectl as a cluster administrator (group system:masters, which no authorizer is asked about).</summary>
    public Kubectl Admin { get; }

    /// <summary>kubectl as the scheduler, a control-plane component that holds only the bootstrap RBAC roles.</summary>
    public Kubectl Scheduler { get; }

    /// <summary>kubectl with no credentials of its own: pass a person's token.</summary>
    public Kubectl Person { get; }

    internal static async Task<KubeApiServer> StartAsync(KubeBinaries binaries, Etcd etcd, ClusterPki pki, WebhookEndpoint webhook, Placement placement, string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort.Next();
        var authorizeConfig = WriteWebhookKubeconfig(directory, "authorize.kubeconfig", webhook, "/authorize");
        var auditConfig = WriteWebhookKubeconfig(directory, "audit.kubeconfig", webhook, "/audit");
        var auditPolicy = Path.Combine(directory, "audit-policy.yaml");
        // Metadata for every request, as the chart's policy does for the requests it keeps: the authorization annotations
        // (decision and reason) are written at that level.
        await File.WriteAllTextAsync(auditPolicy, "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Metadata\n");
        string[] arguments =
        [
            "--etcd-servers=" + etcd.Url,
            "--etcd-prefix=/registry-" + placement.Name,
            "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
            "--secure-port=" + port.ToString(CultureInfo.InvariantCulture), "--insecure-port=0",
            "--tls-cert-file=" + pki.ServingCertificatePath, "--tls-private-key-file=" + pki.ServingKeyPath,
            "--client-ca-file=" + pki.CaPath,
            "--service-account-key-file=" + pki.ServiceAccountPublicKeyPath,
            "--service-account-signing-key-file=" + pki.ServiceAccountKeyPath,
            "--service-account-issuer=https://kubernetes.default.svc",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--authorization-mode=" + placement.AuthorizationModes,
            "--authorization-webhook-config-file=" + authorizeConfig,
            "--authorization-webhook-version=" + placement.WebhookVersion,
            "--authorization-webhook-cache-authorized-ttl=" + Placement.Seconds(placement.AuthorizedTtl),
            "--authorization-webhook-cache-unauthorized-ttl=" + Placement.Seconds(placement.UnauthorizedTtl),
            "--audit-policy-file=" + auditPolicy,
            "--audit-log-path=" + Path.Combine(directory, "audit.log"), "--audit-log-format=json",
            "--audit-webhook-config-file=" + auditConfig, "--audit-webhook-batch-max-wait=1s",
            "--oidc-issuer-url=" + webhook.IssuerUrl, "--oidc-client-id=" + webhook.ClientId, "--oidc-ca-file=" + webhook.CaPath,
            "--oidc-username-claim=email", "--oidc-username-prefix=oidc:", "--oidc-groups-claim=groups", "--oidc-groups-prefix=oidc:",
            "--profiling=false",
        ];
        var process = new BackgroundProcess(binaries.KubeApiServer, arguments, Path.Combine(directory, "kube-apiserver.log"));
        var cache = Path.Combine(directory, "kubectl-cache");
        var server = new KubeApiServer(
            process, pki, placement, port, directory,
            new Kubectl(binaries.Kubectl, WriteKubeconfig(directory, "admin.kubeconfig", port, pki, pki.AdminCertificatePath, pki.AdminKeyPath), cache),
            new Kubectl(binaries.Kubectl, WriteKubeconfig(directory, "scheduler.kubeconfig", port, pki, pki.SchedulerCertificatePath, pki.SchedulerKeyPath), cache),
            new Kubectl(binaries.Kubectl, WriteKubeconfig(directory, "person.kubeconfig", port, pki, null, null), cache));
        try
        {
            await server.WaitReadyAsync();
        }
        catch
        {
            // Never leave an API server running that nobody will stop.
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>An HTTPS client for this API server presenting the scheduler's client certificate.</summary>
    public HttpClient CreateSchedulerClient() =>
        CreateClient(null, X509Certificate2.CreateFromPemFile(_pki.SchedulerCertificatePath, _pki.SchedulerKeyPath));

    /// <summary>An HTTPS client for this API server that trusts only the cluster CA; with a bearer token or client certificate when given.</summary>
    public HttpClient CreateClient(string? token, X509Certificate2? clientCertificate = null)
    {
        var trusted = X509Certificate2.CreateFromPem(File.ReadAllText(_pki.CaPath));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(trusted);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        if (clientCertificate is not null)
        {
            // A PKCS#12 round trip gives SslStream on Linux a key it can use for client authentication.
            handler.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12(clientCertificate.Export(X509ContentType.Pkcs12), null));
        }

        var client = new HttpClient(handler) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(40) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>
    /// Waits until the OIDC authenticator has fetched the issuer's discovery document and keys (it does so in the
    /// background after start): until then every token is refused with 401.
    /// </summary>
    public async Task WaitForTokensAsync(string token)
    {
        using var client = CreateClient(token);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/api", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{Placement}: tokens still refused after 60 s:\n" + _process.Tail());
            }

            await Task.Delay(200);
        }
    }

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitReadyAsync()
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"kube-apiserver ({Placement}) exited:\n" + _process.Tail());
            }

            var ready = await Admin.RunAsync(null, "get", "--raw", "/readyz");
            if (ready.Succeeded && ready.Stdout.Trim() == "ok")
            {
                return;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"kube-apiserver ({Placement}) not ready within 120 s: {ready}\n" + _process.Tail());
            }

            await Task.Delay(250);
        }
    }

    private static string WriteWebhookKubeconfig(string directory, string name, WebhookEndpoint webhook, string path) =>
        WriteFile(directory, name, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: authz-webhook
                cluster:
                  server: https://127.0.0.1:{webhook.WebhookPort}{path}
                  certificate-authority: {webhook.CaPath}
            users:
              - name: kube-apiserver
                user:
                  client-certificate: {webhook.ClientCertificatePath}
                  client-key: {webhook.ClientKeyPath}
            contexts:
              - name: authz-webhook
                context:
                  cluster: authz-webhook
                  user: kube-apiserver
            current-context: authz-webhook
            """);

    private static string WriteKubeconfig(string directory, string name, int port, ClusterPki pki, string? certificate, string? key) =>
        WriteFile(directory, name, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: e2e
                cluster:
                  server: https://127.0.0.1:{port}
                  certificate-authority: {pki.CaPath}
            users:
              - name: user
                user:{(certificate is null ? " {}" : $"\n      client-certificate: {certificate}\n      client-key: {key}")}
            contexts:
              - name: e2e
                context:
                  cluster: e2e
                  user: user
            current-context: e2e
            """);

    private static string WriteFile(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content + "\n");
        return path;
    }
}
