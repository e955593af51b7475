using AuthzWebhook.Webhook;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace AuthzWebhook.Tests.Webhook;

/// <summary>The review limits: the defaults are valid, and a value that would refuse real reviews stops start-up.</summary>
public sealed class WebhookOptionsValidatorTests
{
    [Fact]
    public void The_default_limits_are_valid()
    {
        var failures = Failures(new WebhookOptions());

        Assert.DoesNotContain(failures, f => f.Contains("Max", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(nameof(WebhookOptions.MaxJsonDepth), 7, "AuthzWebhook:Webhook:MaxJsonDepth must be between 8 and 64")]
    [InlineData(nameof(WebhookOptions.MaxJsonDepth), 65, "AuthzWebhook:Webhook:MaxJsonDepth must be between 8 and 64")]
    [InlineData(nameof(WebhookOptions.MaxStringLength), 252, "AuthzWebhook:Webhook:MaxStringLength must be between 253")]
    [InlineData(nameof(WebhookOptions.MaxGroups), 0, "AuthzWebhook:Webhook:MaxGroups must be between 1 and 65536")]
    [InlineData(nameof(WebhookOptions.MaxExtraKeys), 0, "AuthzWebhook:Webhook:MaxExtraKeys must be between 1 and 4096")]
    [InlineData(nameof(WebhookOptions.MaxExtraValues), 65537, "AuthzWebhook:Webhook:MaxExtraValues must be between 1 and 65536")]
    public void A_limit_out_of_range_is_named_with_its_range(string property, int value, string expected)
    {
        var options = new WebhookOptions();
        typeof(WebhookOptions).GetProperty(property)!.SetValue(options, value);

        Assert.Contains(Failures(options), f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    private static IEnumerable<string> Failures(WebhookOptions options) =>
        new WebhookOptionsValidator(new TestEnvironment()).Validate(null, options).Failures ?? [];

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "AuthzWebhook.Tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
