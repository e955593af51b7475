using AuthzWebhook.Storage.Redis;
using AuthzWebhook.Tests.Windows;

namespace AuthzWebhook.Tests.Storage.Redis;

/// <summary>Redis content is checked, not trusted: a payload that does not describe a usable window is dropped.</summary>
public sealed class WindowPayloadTests
{
    private static readonly WindowPayload Valid = WindowPayload.From(TestWindows.ForUser("oidc:alice@example.com", namespaces: ["payments", "billing"]));

    [Fact]
    public void A_window_survives_the_round_trip()
    {
        var window = Valid.ToWindow();

        Assert.NotNull(window);
        Assert.Equal(["payments", "billing"], window.Namespaces);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_namespace_entry_makes_the_payload_unusable(string? entry)
    {
        var payload = Valid with { Namespaces = ["payments", entry!] };

        Assert.Null(payload.ToWindow());
    }
}
