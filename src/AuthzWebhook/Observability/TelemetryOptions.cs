namespace AuthzWebhook.Observability;

/// <summary>Traces and metrics: what is sampled, where it goes. See docs/observability.md.</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "AuthzWebhook:Telemetry";

    /// <summary>The <c>service.name</c> resource attribute; <c>OTEL_SERVICE_NAME</c>, when set, wins.</summary>
    public string ServiceName { get; set; } = "authz-webhook";

    /// <summary>
    /// Share of traces that start here (reviews, REST calls, background store work), 0 to 1. A request whose caller sent
    /// a <c>traceparent</c> follows the caller's sampled flag instead. Low by default: reviews come at API-server rate,
    /// and the decision records already describe every one of them.
    /// </summary>
    public double TraceSampleRatio { get; set; } = 0.01;

    /// <summary>OTLP collector address; when empty, <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> decides; when both are empty, nothing is exported over OTLP.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>, for <see cref="OtlpEndpoint"/> (the environment variables carry their own).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Serves <c>GET /metrics</c> (Prometheus text) on the management listener.</summary>
    public bool PrometheusEnabled { get; set; } = true;
}
