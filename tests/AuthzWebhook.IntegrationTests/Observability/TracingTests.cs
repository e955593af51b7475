using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Windows;
using OpenTelemetry.Trace;

namespace AuthzWebhook.IntegrationTests.Observability;

/// <summary>Which requests are traced, and how a decision record names its trace.</summary>
public sealed class TracingTests(TestServers servers) : IntegrationTest(servers), IDisposable
{
    private static readonly string[] Sre = ["oidc:sre", "system:authenticated"];

    private readonly SpanCollector _spans = new();

    /// <summary>The tracer provider disposes the collector with the server; this covers a test that never started one.</summary>
    public void Dispose() => _spans.Dispose();

    [Fact]
    public async Task A_review_in_a_sampled_trace_names_that_trace_in_its_record()
    {
        // Nothing starts a trace here: only the caller's sampled flag can make this one recorded.
        var server = await StartTracedServerAsync(ratio: "0");
        var traceId = ActivityTraceId.CreateRandom();

        var result = await ReviewAsync(server, $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var record = await server.WaitForRecordAsync(result.DecisionId);
        Assert.Equal(traceId.ToHexString(), record.GetProperty("trace_id").GetString());
        var span = Assert.Single(_spans.Requests("/authorize"));
        Assert.Equal(traceId, span.TraceId);
    }

    [Fact]
    public async Task A_review_outside_a_sampled_trace_has_no_trace_id()
    {
        // The caller's unsampled flag wins over this service's ratio of 1.
        var server = await StartTracedServerAsync(ratio: "1");

        var unsampled = await ReviewAsync(server, $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00");

        var record = await server.WaitForRecordAsync(unsampled.DecisionId);
        Assert.Equal(JsonValueKind.Null, record.GetProperty("trace_id").ValueKind);
        Assert.Empty(_spans.Requests("/authorize"));
    }

    [Fact]
    public async Task At_ratio_zero_nothing_that_starts_here_is_traced()
    {
        var server = await StartTracedServerAsync(ratio: "0");
        using var api = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));

        var review = await ReviewAsync(server, traceparent: null);
        using var templates = await api.GetAsync(new Uri("/api/v1/templates", UriKind.Relative));

        Assert.True(templates.IsSuccessStatusCode);
        var record = await server.WaitForRecordAsync(review.DecisionId);
        Assert.Equal(JsonValueKind.Null, record.GetProperty("trace_id").ValueKind);
        Assert.Empty(_spans.Requests("/authorize"));
        Assert.Empty(_spans.Requests("/api/v1/templates"));
    }

    [Fact]
    public async Task At_ratio_one_reviews_and_api_calls_are_traced_and_probes_never_are()
    {
        var server = await StartTracedServerAsync(ratio: "1");
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ManagementPort}") };
        using var api = server.CreateApiClient(Idp.TokenFor("alice@example.com", ["sre"]));

        var result = await ReviewAsync(server, traceparent: null);
        using var templates = await api.GetAsync(new Uri("/api/v1/templates", UriKind.Relative));
        Assert.True(templates.IsSuccessStatusCode);
        Assert.Single(_spans.Requests("/api/v1/templates"));
        foreach (var probe in new[] { "/healthz", "/readyz", "/metrics" })
        {
            using var response = await management.GetAsync(new Uri(probe, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, probe);
        }

        var record = await server.WaitForRecordAsync(result.DecisionId);
        var span = Assert.Single(_spans.Requests("/authorize"));
        Assert.Equal(span.TraceId.ToHexString(), record.GetProperty("trace_id").GetString());
        Assert.DoesNotContain(_spans.Ended, a => a.GetTagItem("url.path") is "/healthz" or "/readyz" or "/metrics");
    }

    [Fact]
    public async Task Postgres_and_redis_calls_are_traced()
    {
        var server = await StartTracedServerAsync(ratio: "1");

        await server.Service<WindowWriter>().CreateAsync(
            UserWindow("oidc:alice@example.com", "pod-debug", ["payments"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromMinutes(30)), default);

        // The reconcile (every 0.5 s here) reads Postgres on its own; creating a window stores and publishes it in Redis.
        await EventuallyAsync(() => Task.FromResult(_spans.Ended.Any(a => a.Source.Name == "Npgsql")), TimeSpan.FromSeconds(10), "a Postgres span");
        var redis = Assert.Single(_spans.Ended, a => a.Source.Name == "AuthzWebhook.Redis" && a.DisplayName == "store_and_publish_window");
        Assert.Equal(ActivityKind.Client, redis.Kind);
        Assert.Equal("redis", redis.GetTagItem("db.system.name"));
    }

    private Task<WebhookServer> StartTracedServerAsync(string ratio) =>
        StartServerAsync(
            overrides: new Dictionary<string, string?> { ["AuthzWebhook:Telemetry:TraceSampleRatio"] = ratio },
            configureServices: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(_spans)));

    private async Task<ReviewResult> ReviewAsync(WebhookServer server, string? traceparent)
    {
        using var client = server.CreateMtlsClient(Pki.ClientCertificate);
        using var request = new HttpRequestMessage(HttpMethod.Post, server.AuthorizeUri)
        {
            Content = new StringContent(Reviews.Resource("oidc:bob@example.com", Sre, "get", "pods", "payments"), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (traceparent is not null)
        {
            request.Headers.Add("traceparent", traceparent);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return ReviewResult.Parse(text);
    }
}
