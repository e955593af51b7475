using Microsoft.Extensions.Options;

namespace AuthzWebhook.Observability;

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add("AuthzWebhook:Telemetry:ServiceName must not be empty (default authz-webhook).");
        }

        if (options.TraceSampleRatio is not (>= 0 and <= 1))
        {
            failures.Add("AuthzWebhook:Telemetry:TraceSampleRatio must be between 0 and 1, e.g. 0.01 for one trace in a hundred (default).");
        }

        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && !TelemetryExtensions.TryParseEndpoint(options.OtlpEndpoint, out _))
        {
            failures.Add($"AuthzWebhook:Telemetry:OtlpEndpoint '{options.OtlpEndpoint}' must be an absolute http(s) URL, e.g. http://otel-collector:4317; leave it empty to export nothing.");
        }

        if (TelemetryExtensions.ParseProtocol(options.OtlpProtocol) is null)
        {
            failures.Add($"AuthzWebhook:Telemetry:OtlpProtocol '{options.OtlpProtocol}' must be 'grpc' (port 4317) or 'http/protobuf' (port 4318).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
