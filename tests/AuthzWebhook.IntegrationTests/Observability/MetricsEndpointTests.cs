using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Windows;

namespace AuthzWebhook.IntegrationTests.Observability;

/// <summary>GET /metrics: Prometheus text on the management listener, and nowhere else.</summary>
public sealed partial class MetricsEndpointTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string[] Sre = ["oidc:sre", "system:authenticated"];

    [Fact]
    public async Task The_management_port_serves_decisions_latency_windows_backlog_and_store_health()
    {
        var server = await StartServerAsync();
        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30)), default);
        await EventuallyAsync(() => Task.FromResult(server.Service<ActiveWindowIndex>().Count == 1), TimeSpan.FromSeconds(10), "the window reaching the index");
        var result = await server.ReviewAsync(Reviews.Resource("oidc:alice@example.com", Sre, "get", "pods", "payments", subresource: "log"));
        Assert.True(result.Allowed, result.Reason);

        using var response = await ScrapeAsync(server);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Matches(Sample("authz_decisions_total", """outcome="allow".*template="pod-debug"|template="pod-debug".*outcome="allow"""), text);
        Assert.True(Value(text, "authz_windows_active") >= 1, text);
        Assert.Contains("authz_decision_records_backlog", text, StringComparison.Ordinal);
        Assert.Equal(1, Value(text, "authz_store_up", "store=\"postgres\""));
        Assert.Equal(1, Value(text, "authz_store_up", "store=\"redis\""));
        Assert.Equal(0, Value(text, "authz_degraded"));
        Assert.Contains("authz_degraded_time_seconds_total", text, StringComparison.Ordinal);

        // Sub-millisecond buckets: a decision takes tens of microseconds.
        var bounds = LatencyBounds().Matches(text).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToArray();
        Assert.Contains(bounds, b => b <= 0.0001);
        Assert.True(bounds.Count(b => b < 0.001) >= 4, string.Join(", ", bounds));
        Assert.Contains(1.0, bounds);
    }

    [Fact]
    public async Task Window_changes_from_another_replica_are_counted_with_their_propagation_lag()
    {
        var writer = await StartServerAsync();
        var window = await writer.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30)), default);

        // The reader loads that window at start and reconciles only once a minute, so later changes reach it by the feed.
        var reader = await StartServerAsync(overrides: new Dictionary<string, string?>
        {
            ["AuthzWebhook:Windows:ReconcileInterval"] = "00:01:00",
            ["AuthzWebhook:Windows:StalenessBound"] = "00:02:00",
        });
        Assert.NotNull(reader.Service<ActiveWindowIndex>().Find(window.Id));

        // A revocation only narrows: applied from the message. A new window could grant: applied once re-read from Postgres.
        await writer.Service<WindowWriter>().RevokeAsync(window.Id, DateTimeOffset.UtcNow, default);
        await writer.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:bob@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30)), default);

        await EventuallyAsync(
            async () =>
            {
                using var response = await ScrapeAsync(reader);
                var text = await response.Content.ReadAsStringAsync();
                return Value(text, "authz_window_change_lag_seconds_count", "applied_from=\"feed\"") >= 1
                    && Value(text, "authz_window_change_lag_seconds_count", "applied_from=\"postgres\"") >= 1;
            },
            TimeSpan.FromSeconds(10),
            "a lag sample for the revocation and for the new window");
    }

    [Fact]
    public async Task Metrics_are_not_served_on_the_webhook_or_api_ports()
    {
        var server = await StartServerAsync();
        using var mtls = server.CreateMtlsClient(Pki.ClientCertificate);
        using var api = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));

        using var onWebhook = await mtls.GetAsync(new Uri($"https://localhost:{server.WebhookPort}/metrics"));
        using var onApi = await api.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var onManagement = await ScrapeAsync(server);

        Assert.Equal(HttpStatusCode.NotFound, onWebhook.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onManagement.StatusCode);
    }

    [Fact]
    public async Task Metrics_can_be_turned_off()
    {
        var server = await StartServerAsync(overrides: new Dictionary<string, string?> { ["AuthzWebhook:Telemetry:PrometheusEnabled"] = "false" });

        using var response = await ScrapeAsync(server);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> ScrapeAsync(WebhookServer server)
    {
        using var client = new HttpClient();
        return await client.GetAsync(new Uri($"http://127.0.0.1:{server.ManagementPort}/metrics"));
    }

    private static Regex Sample(string name, string labels) => new($"^{name}\\{{[^}}]*({labels})[^}}]*\\}} [1-9]", RegexOptions.Multiline);

    /// <summary>The value of the first sample of <paramref name="name"/> whose labels contain <paramref name="label"/>; NaN when there is none.</summary>
    private static double Value(string text, string name, string label = "")
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is '{' or ' ' && line.Contains(label, StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf('}') is var close and >= 0 ? close + 1 : name.Length)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    [GeneratedRegex("""^authz_decision_duration_seconds_bucket\{[^}]*le="([0-9.eE+-]+)"[^}]*\}""", RegexOptions.Multiline)]
    private static partial Regex LatencyBounds();
}
