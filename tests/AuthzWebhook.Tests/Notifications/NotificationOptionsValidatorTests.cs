using AuthzWebhook.Notifications;
using Microsoft.Extensions.Configuration;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>Bad notification settings stop start-up with messages that name the key and the fix, and never echo secrets.</summary>
public sealed class NotificationOptionsValidatorTests
{
    private const string SecretUrl = "https://hooks.slack.com/services/T000/B000/XXXXsecret";

    private static NotificationReceiver Receiver(string name = "sre-slack", string url = SecretUrl, string format = "slack", params string[] events) =>
        new() { Name = name, Url = url, Format = format, Events = events.Length == 0 ? ["requested", "approved"] : events };

    private static List<string> Failures(NotificationOptions options) =>
        new NotificationOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void No_receivers_at_all_is_valid_and_sends_nothing()
    {
        Assert.Empty(Failures(new NotificationOptions()));
    }

    [Fact]
    public void A_complete_configuration_is_valid()
    {
        var receiver = Receiver();
        receiver.Headers["Authorization"] = "Bearer s3cret";
        var options = new NotificationOptions { Receivers = [receiver, Receiver("audit", "http://127.0.0.1:9000/hook", "json", "revoked")], Link = SampleNotifications.Link };

        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("https://example.com/hook")]
    public void Https_anywhere_and_http_on_loopback_are_accepted(string url)
    {
        Assert.Empty(Failures(new NotificationOptions { Receivers = [Receiver(url: url)] }));
    }

    [Theory]
    [InlineData("http://hooks.example.com/services/XXXXsecret")]
    [InlineData("/services/XXXXsecret")]
    [InlineData("ftp://example.com/XXXXsecret")]
    [InlineData("")]
    public void Other_urls_are_refused_without_echoing_them(string url)
    {
        var failure = Assert.Single(Failures(new NotificationOptions { Receivers = [Receiver(url: url)] }));

        Assert.Equal("AuthzWebhook:Notifications:Receivers:0:Url must be an absolute https URL (http only for localhost or a loopback address).", failure);
    }

    [Fact]
    public void An_unknown_format_names_the_formats()
    {
        var failure = Assert.Single(Failures(new NotificationOptions { Receivers = [Receiver(format: "xml")] }));

        Assert.Equal("AuthzWebhook:Notifications:Receivers:0:Format must be slack, teams or json.", failure);
    }

    [Fact]
    public void Events_are_required_and_each_must_be_known()
    {
        var none = Receiver();
        none.Events = [];

        Assert.Equal(
            [
                "AuthzWebhook:Notifications:Receivers:0:Events is required: list the events to send, from requested, approved, rejected, activated, revoked, expired, cancelled, extended.",
                "AuthzWebhook:Notifications:Receivers:1:Events:1 'aproved' is not an event; use requested, approved, rejected, activated, revoked, expired, cancelled, extended.",
            ],
            Failures(new NotificationOptions { Receivers = [none, Receiver("b", events: ["requested", "aproved"])] }));
    }

    [Fact]
    public void Receiver_names_must_be_well_formed_and_unique_ignoring_case()
    {
        var failures = Failures(new NotificationOptions { Receivers = [Receiver("sre"), Receiver("SRE"), Receiver("has space"), Receiver("")] });

        Assert.Equal(
            [
                "AuthzWebhook:Notifications:Receivers:1:Name 'SRE' is already used by AuthzWebhook:Notifications:Receivers:0; receiver names must be unique.",
                "AuthzWebhook:Notifications:Receivers:2:Name must be 1-63 letters, digits, '.', '-' or '_', e.g. sre-slack.",
                "AuthzWebhook:Notifications:Receivers:3:Name must be 1-63 letters, digits, '.', '-' or '_', e.g. sre-slack.",
            ],
            failures);
    }

    [Fact]
    public void Headers_must_be_request_headers_with_single_line_values_which_are_never_echoed()
    {
        var receiver = Receiver();
        receiver.Headers["Content-Type"] = "text/plain";
        receiver.Headers["Bad Name"] = "x";
        receiver.Headers["Authorization"] = "Bearer s3cret\r\nX-Injected: 1";

        var failures = Failures(new NotificationOptions { Receivers = [receiver] });

        Assert.Equal(
            [
                "AuthzWebhook:Notifications:Receivers:0:Headers:Content-Type is not a request header this service may set; use e.g. Authorization.",
                "AuthzWebhook:Notifications:Receivers:0:Headers:Bad Name is not a request header this service may set; use e.g. Authorization.",
                "AuthzWebhook:Notifications:Receivers:0:Headers:Authorization must have a value without line breaks (the value is not shown).",
            ],
            failures);
        Assert.DoesNotContain(failures, f => f.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void Timings_and_the_link_template_are_checked_with_their_defaults_named()
    {
        var options = new NotificationOptions
        {
            PollInterval = TimeSpan.Zero,
            MaxAttempts = 0,
            InitialBackoff = TimeSpan.FromMinutes(10),
            MaxBackoff = TimeSpan.FromMinutes(5),
            Timeout = TimeSpan.FromMilliseconds(10),
            Link = "https://authz.example.com/elevations",
        };

        Assert.Equal(
            [
                "AuthzWebhook:Notifications:PollInterval must be between 00:00:00.1 and 00:10:00 (default 00:00:02).",
                "AuthzWebhook:Notifications:MaxAttempts must be between 1 and 100 (default 8).",
                "AuthzWebhook:Notifications:MaxBackoff must be between InitialBackoff and 1.00:00:00 (default 00:05:00).",
                "AuthzWebhook:Notifications:Timeout must be between 00:00:01 and 00:05:00 (default 00:00:10).",
                "AuthzWebhook:Notifications:Link must be an absolute http(s) URL containing {id}, e.g. https://authz.example.com/elevations/{id}, or be left out.",
            ],
            Failures(options));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new NotificationOptions { Receivers = [Receiver(format: "xml", url: "http://example.com"), Receiver()], MaxAttempts = 0 };

        Assert.Equal(4, Failures(options).Count);
    }

    [Fact]
    public void Receivers_bind_from_configuration_keys_including_headers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthzWebhook:Notifications:Receivers:0:Name"] = "sre-slack",
            ["AuthzWebhook:Notifications:Receivers:0:Url"] = SecretUrl,
            ["AuthzWebhook:Notifications:Receivers:0:Format"] = "slack",
            ["AuthzWebhook:Notifications:Receivers:0:Events:0"] = "requested",
            ["AuthzWebhook:Notifications:Receivers:0:Events:1"] = "revoked",
            ["AuthzWebhook:Notifications:Receivers:0:Headers:Authorization"] = "Bearer s3cret",
            ["AuthzWebhook:Notifications:MaxAttempts"] = "3",
        }).Build();

        var options = configuration.GetSection(NotificationOptions.Section).Get<NotificationOptions>()!;

        var receiver = Assert.Single(options.Receivers);
        Assert.Equal(["requested", "revoked"], receiver.Events);
        Assert.Equal("Bearer s3cret", receiver.Headers["authorization"]);
        Assert.Equal(3, options.MaxAttempts);
        Assert.Null(options.LinkFor(SampleNotifications.Id));
        Assert.Empty(Failures(options));
    }
}
