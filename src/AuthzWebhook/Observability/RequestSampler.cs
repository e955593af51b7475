using System.Diagnostics;
using OpenTelemetry.Trace;

namespace AuthzWebhook.Observability;

/// <summary>
/// Decides for traces that start here (the caller's sampled flag decides the rest, see <see cref="TelemetryExtensions"/>):
/// REST API requests at <see cref="TelemetryOptions.ApiTraceSampleRatio"/>, probes and <c>/metrics</c> never, and
/// everything else, reviews and background store work, at <see cref="TelemetryOptions.TraceSampleRatio"/>. The path is
/// one of the tags ASP.NET Core gives the sampler when it creates the request's activity.
/// </summary>
internal sealed class RequestSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    private readonly TraceIdRatioBasedSampler _reviews;
    private readonly TraceIdRatioBasedSampler _api;

    public RequestSampler(double traceSampleRatio, double apiTraceSampleRatio)
    {
        _reviews = new TraceIdRatioBasedSampler(traceSampleRatio);
        _api = new TraceIdRatioBasedSampler(apiTraceSampleRatio);
        Description = $"RequestSampler{{reviews={traceSampleRatio}, api={apiTraceSampleRatio}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.Kind != ActivityKind.Server || samplingParameters.Tags is null)
        {
            return _reviews.ShouldSample(samplingParameters);
        }

        foreach (var (key, value) in samplingParameters.Tags)
        {
            if (key == "url.path" && value is string path)
            {
                return IsProbe(path) ? Drop
                    : path.StartsWith("/api/", StringComparison.Ordinal) ? _api.ShouldSample(samplingParameters)
                    : _reviews.ShouldSample(samplingParameters);
            }
        }

        return _reviews.ShouldSample(samplingParameters);
    }

    /// <summary>Requests that are never traced: kubelet probes and Prometheus scrapes, many per minute and all alike.</summary>
    public static bool IsProbe(string? path) => path is "/healthz" or "/readyz" or TelemetryExtensions.MetricsPath;
}
