using AuthzWebhook.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AuthzWebhook.Observability;

/// <summary>
/// OpenTelemetry in one place: traces of reviews, REST calls, Postgres and Redis; the service's metrics (and ASP.NET
/// Core's); OTLP export only when a collector is configured; Prometheus text on the management listener.
/// </summary>
internal static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddMetrics();
        services.TryAddSingleton<AuthzMetrics>();
        services.AddHostedService<MetricObservers>();

        // Which exporters exist is decided now, from the raw settings; ValidateOnStart reports bad values before anything
        // is exported.
        var settings = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } fromEnvironment ? fromEnvironment
            : string.IsNullOrWhiteSpace(settings.ServiceName) ? new TelemetryOptions().ServiceName : settings.ServiceName;
        var instance = configuration[$"{InstanceOptions.Section}:{nameof(InstanceOptions.InstanceName)}"] is { Length: > 0 } name ? name : Environment.MachineName;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: instance))
            .WithTracing(tracing => tracing
                // A caller's sampled flag (the API server's traceparent) decides for its requests; the ratio decides only
                // for traces that start here. One ratio for reviews and REST calls alike: ASP.NET Core samples a request
                // before its path is known.
                .SetSampler(sp => new ParentBasedSampler(new TraceIdRatioBasedSampler(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.TraceSampleRatio)))
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path.Value))
                .AddNpgsql()
                .AddSource(RedisTracing.SourceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AuthzMetrics.MeterName).AddAspNetCoreInstrumentation();
                if (settings.PrometheusEnabled)
                {
                    metrics.AddPrometheusExporter();
                }
            });

        if (!string.IsNullOrWhiteSpace(settings.OtlpEndpoint))
        {
            if (TryParseEndpoint(settings.OtlpEndpoint, out var endpoint) && ParseProtocol(settings.OtlpProtocol) is { } protocol)
            {
                telemetry.UseOtlpExporter(protocol, endpoint);
            }
        }
        else if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // The standard variables (OTEL_EXPORTER_OTLP_PROTOCOL, _HEADERS, _TIMEOUT, OTEL_METRIC_EXPORT_INTERVAL, ...) apply.
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    /// <summary><c>GET /metrics</c> in Prometheus text format, when enabled; <paramref name="listener"/> keeps it on one listener.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app, ListenerMetadata listener)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.PrometheusEnabled)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).WithMetadata(listener).ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>Requests never traced: kubelet probes and Prometheus scrapes, many a minute and all alike.</summary>
    public static bool IsProbe(string? path) => path is "/healthz" or "/readyz" or MetricsPath;

    public static bool TryParseEndpoint(string value, out Uri endpoint) =>
        Uri.TryCreate(value, UriKind.Absolute, out endpoint!) && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps);

    public static OtlpExportProtocol? ParseProtocol(string? value) => value switch
    {
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => null,
    };
}
