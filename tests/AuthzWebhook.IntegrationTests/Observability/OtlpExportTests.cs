using AuthzWebhook.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AuthzWebhook.IntegrationTests.Observability;

/// <summary>OTLP export, against a fake collector that speaks OTLP/HTTP (protobuf).</summary>
public sealed class OtlpExportTests(TestServers servers) : IntegrationTest(servers)
{
    private static readonly string[] Sre = ["oidc:sre", "system:authenticated"];

    [Fact]
    public async Task A_sampled_review_reaches_the_collector_named_in_settings()
    {
        using var collector = StartCollector();
        var server = await StartServerAsync(overrides: new Dictionary<string, string?>
        {
            ["AuthzWebhook:Telemetry:OtlpEndpoint"] = collector.Url,
            ["AuthzWebhook:Telemetry:OtlpProtocol"] = "http/protobuf",
            ["AuthzWebhook:Telemetry:TraceSampleRatio"] = "1",
        });

        await AssertReviewExportedAsync(server, collector);
    }

    [Fact]
    public async Task The_standard_otel_variables_turn_export_on_too()
    {
        using var collector = StartCollector();
        var server = await StartServerAsync(overrides: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["AuthzWebhook:Telemetry:TraceSampleRatio"] = "1",
        });

        await AssertReviewExportedAsync(server, collector);
    }

    private static WireMockServer StartCollector()
    {
        var collector = WireMockServer.Start();
        collector.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        return collector;
    }

    private static async Task AssertReviewExportedAsync(WebhookServer server, WireMockServer collector)
    {
        var result = await server.ReviewAsync(Reviews.Resource("oidc:bob@example.com", Sre, "get", "pods", "payments"));
        var traceId = (await server.WaitForRecordAsync(result.DecisionId)).GetProperty("trace_id").GetString();
        Assert.NotNull(traceId);

        // Flushed now rather than waiting for the batch schedule, so the test does not depend on timing.
        Assert.True(server.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));

        var exports = collector.LogEntries.Select(e => e.RequestMessage!).Where(r => r.Path == "/v1/traces").ToArray();
        Assert.NotEmpty(exports);
        Assert.All(exports, r => Assert.Equal("application/x-protobuf", r.Headers!["Content-Type"].Single()));

        // The trace id travels as 16 raw bytes inside the protobuf body.
        var wanted = Convert.FromHexString(traceId);
        Assert.Contains(exports, r => r.BodyAsBytes is { } body && body.AsSpan().IndexOf(wanted) >= 0);
    }
}
