using AuthzWebhook.Observability;

namespace AuthzWebhook.Tests.Observability;

public sealed class TelemetryOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid_and_export_nothing_over_otlp()
    {
        var options = new TelemetryOptions();

        var result = new TelemetryOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Null(options.OtlpEndpoint);
        Assert.True(options.PrometheusEnabled);
        Assert.Equal(0.01, options.TraceSampleRatio);
    }

    [Theory]
    [InlineData(0, "http://collector:4317", "grpc")]
    [InlineData(1, "https://collector.example.com:4318", "http/protobuf")]
    public void Ratios_at_both_ends_and_both_protocols_are_valid(double ratio, string endpoint, string protocol)
    {
        var result = new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { TraceSampleRatio = ratio, OtlpEndpoint = endpoint, OtlpProtocol = protocol });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("ServiceName", "AuthzWebhook:Telemetry:ServiceName must not be empty")]
    [InlineData("TraceSampleRatio", "AuthzWebhook:Telemetry:TraceSampleRatio must be between 0 and 1")]
    [InlineData("OtlpEndpoint", "AuthzWebhook:Telemetry:OtlpEndpoint 'collector:4317' must be an absolute http(s) URL")]
    [InlineData("OtlpProtocol", "AuthzWebhook:Telemetry:OtlpProtocol 'http/json' must be 'grpc' (port 4317) or 'http/protobuf'")]
    public void Each_bad_setting_is_named_with_its_fix(string setting, string message)
    {
        var options = new TelemetryOptions();
        switch (setting)
        {
            case "ServiceName": options.ServiceName = " "; break;
            case "TraceSampleRatio": options.TraceSampleRatio = 1.5; break;
            case "OtlpEndpoint": options.OtlpEndpoint = "collector:4317"; break;
            default: options.OtlpProtocol = "http/json"; break;
        }

        var result = new TelemetryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(message, failure, StringComparison.Ordinal);
    }
}
