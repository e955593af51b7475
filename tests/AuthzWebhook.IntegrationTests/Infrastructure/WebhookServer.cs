using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>
/// One real service instance: Kestrel on real sockets with mutual TLS, a real Postgres database and Redis key prefix,
/// its policy in a file and its decision records in a file the test can read.
/// </summary>
public sealed class WebhookServer : WebApplicationFactory<Program>
{
    private readonly TestPki _pki;
    private readonly Dictionary<string, string?> _settings;
    private readonly TimeProvider? _timeProvider;
    private readonly string _workDirectory;
    private readonly string _environment;
    private readonly Action<IServiceCollection>? _configureServices;

    public WebhookServer(
        TestPki pki,
        string postgres,
        string redis,
        string redisPrefix,
        string policyYaml,
        TimeProvider? timeProvider = null,
        IDictionary<string, string?>? overrides = null,
        string environment = "Test",
        Action<IServiceCollection>? configureServices = null)
    {
        _configureServices = configureServices;
        _environment = environment;
        _pki = pki;
        _timeProvider = timeProvider;
        _workDirectory = Directory.CreateTempSubdirectory("authz-test-instance-").FullName;
        PolicyPath = Path.Combine(_workDirectory, "policy.yaml");
        File.WriteAllText(PolicyPath, policyYaml);
        DecisionLogPath = Path.Combine(_workDirectory, "decisions.jsonl");
        WebhookPort = FreePort.Next();
        ManagementPort = FreePort.Next();
        ApiPort = FreePort.Next();
        InstanceName = "test-" + Guid.NewGuid().ToString("N")[..8];
        _settings = new Dictionary<string, string?>
        {
            ["AuthzWebhook:InstanceName"] = InstanceName,
            ["AuthzWebhook:Policy:Path"] = PolicyPath,
            ["AuthzWebhook:Policy:ReloadInterval"] = "00:00:00.200",
            ["AuthzWebhook:Webhook:BindAddress"] = "127.0.0.1",
            ["AuthzWebhook:Webhook:Port"] = WebhookPort.ToString(CultureInfo.InvariantCulture),
            ["AuthzWebhook:Webhook:CertificatePath"] = pki.ServerCertificatePath,
            ["AuthzWebhook:Webhook:KeyPath"] = pki.ServerKeyPath,
            ["AuthzWebhook:Webhook:ClientCaPath"] = pki.CaPath,
            ["AuthzWebhook:Api:BindAddress"] = "127.0.0.1",
            ["AuthzWebhook:Api:Port"] = ApiPort.ToString(CultureInfo.InvariantCulture),
            ["AuthzWebhook:Api:CertificatePath"] = pki.ServerCertificatePath,
            ["AuthzWebhook:Api:KeyPath"] = pki.ServerKeyPath,
            ["AuthzWebhook:Identity:UsernamePrefix"] = "oidc:",
            ["AuthzWebhook:Identity:GroupsPrefix"] = "oidc:",
            ["AuthzWebhook:Identity:AdminGroups:0"] = "oidc:authz-admins",
            ["AuthzWebhook:Identity:AuditorGroups:0"] = "oidc:auditors",
            ["AuthzWebhook:Identity:IncidentToolGroups:0"] = "oidc:incident-tool",
            ["AuthzWebhook:Elevations:ExpiryCheckInterval"] = "00:00:00.200",
            ["AuthzWebhook:Api:PermitsPerMinute"] = "10000",
            ["AuthzWebhook:Api:PermitsPerMinutePerAddress"] = "1000000",
            ["AuthzWebhook:Management:BindAddress"] = "127.0.0.1",
            ["AuthzWebhook:Management:Port"] = ManagementPort.ToString(CultureInfo.InvariantCulture),
            ["AuthzWebhook:Postgres:ConnectionString"] = postgres,
            ["AuthzWebhook:Redis:Configuration"] = redis + ",connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000",
            ["AuthzWebhook:Redis:KeyPrefix"] = redisPrefix,
            ["AuthzWebhook:Windows:ReconcileInterval"] = "00:00:00.500",
            ["AuthzWebhook:Windows:HeartbeatInterval"] = "00:00:00.100",
            ["AuthzWebhook:Windows:StalenessBound"] = "00:00:02",
            ["AuthzWebhook:DecisionLog:Output"] = DecisionLogPath,
            ["AuthzWebhook:DecisionStore:SpoolPath"] = Path.Combine(_workDirectory, "spool", "decisions.spool"),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel();
    }

    public string InstanceName { get; }

    public string PolicyPath { get; }

    public string DecisionLogPath { get; }

    public int WebhookPort { get; }

    public int ManagementPort { get; }

    public int ApiPort { get; }

    public Uri ApiUri(string pathAndQuery) => new($"https://localhost:{ApiPort}{pathAndQuery}");

    /// <summary>An HTTPS client for the REST API that trusts the test CA and sends <paramref name="token"/> (null: none).</summary>
    public HttpClient CreateApiClient(string? token)
    {
        var client = _pki.CreateHttpClient(null);
        client.BaseAddress = new Uri($"https://localhost:{ApiPort}");
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public Uri AuthorizeUri => new($"https://localhost:{WebhookPort}/authorize?timeout=30s");

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Replaces the policy file in one rename, as a ConfigMap update does, so that no half-written file is ever read.</summary>
    public void WritePolicy(string yaml)
    {
        File.WriteAllText(PolicyPath + ".new", yaml);
        File.Move(PolicyPath + ".new", PolicyPath, overwrite: true);
    }

    /// <summary>Replaces the policy with <paramref name="yaml"/>, which must differ and be valid, and waits until it is in force.</summary>
    public async Task ReplacePolicyAsync(string yaml)
    {
        var provider = Service<AuthzWebhook.Policy.PolicyProvider>();
        var before = provider.Current.ContentHash;
        if (string.Equals(await File.ReadAllTextAsync(PolicyPath), yaml, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the replacement policy is the policy in force: the edit the test meant did not apply");
        }

        WritePolicy(yaml);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (provider.Current.ContentHash == before)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the new policy was not loaded within 10 s: {provider.LastError}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Starts the host and waits until its window index has loaded.</summary>
    public async Task StartAsync()
    {
        StartServer();
        var synchronizer = Service<AuthzWebhook.Windows.WindowSynchronizer>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!synchronizer.IsLoaded)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("window index did not load");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>An HTTPS client that trusts the test CA and presents <paramref name="clientCertificate"/> (null: none).</summary>
    public HttpClient CreateMtlsClient(X509Certificate2? clientCertificate) => _pki.CreateHttpClient(clientCertificate);

    public async Task<HttpResponseMessage> PostReviewAsync(string body, X509Certificate2? clientCertificate = null)
    {
        using var client = CreateMtlsClient(clientCertificate ?? _pki.ClientCertificate);
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync(AuthorizeUri, content);
    }

    /// <summary>Posts an audit.k8s.io/v1 EventList to /audit over mutual TLS, as the API server's audit webhook does.</summary>
    public async Task<HttpResponseMessage> PostAuditAsync(string body)
    {
        using var client = CreateMtlsClient(_pki.ClientCertificate);
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync(new Uri($"https://localhost:{WebhookPort}/audit"), content);
    }

    /// <summary>Posts a review and returns the parsed response (asserting HTTP 200).</summary>
    public async Task<ReviewResult> ReviewAsync(string body)
    {
        using var response = await PostReviewAsync(body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {text}");
        return ReviewResult.Parse(text);
    }

    /// <summary>Waits for the decision record with <paramref name="decisionId"/> to be written, and returns it.</summary>
    public async Task<JsonElement> WaitForRecordAsync(Guid decisionId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        var id = decisionId.ToString();
        while (true)
        {
            foreach (var record in ReadRecords())
            {
                if (record.GetProperty("decision_id").GetString() == id)
                {
                    return record;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no decision record {decisionId} in {DecisionLogPath}");
            }

            await Task.Delay(20);
        }
    }

    public IReadOnlyList<JsonElement> ReadRecords()
    {
        if (!File.Exists(DecisionLogPath))
        {
            return [];
        }

        using var stream = new FileStream(DecisionLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var records = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.EndsWith('}'))
            {
                records.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return records;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_timeProvider is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(_timeProvider));
        }

        if (_configureServices is not null)
        {
            builder.ConfigureTestServices(_configureServices);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(_workDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
