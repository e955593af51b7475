using System.Text.Json;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>
/// Plain JSON receivers do their own rendering, so they get user text exactly as it was given: JSON encoding alone
/// keeps each value in its own field, however hostile.
/// </summary>
public sealed class JsonHostileInputTests
{
    public static TheoryData<string> Events => HostileNotifications.Events;

    [Theory]
    [MemberData(nameof(Events))]
    public void Hostile_user_text_round_trips_exactly_each_value_in_its_own_field(string @event)
    {
        var notification = HostileNotifications.For(@event);

        using var body = JsonDocument.Parse(JsonFormatter.Format(notification));

        var root = body.RootElement;
        Assert.Equal(["event", "time", "actor", "comment", "elevation"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(@event, root.GetProperty("event").GetString());
        Assert.Equal(HostileNotifications.Actor, root.GetProperty("actor").GetString());
        Assert.Equal(HostileNotifications.Comment, root.GetProperty("comment").GetString());
        var elevation = root.GetProperty("elevation");
        Assert.Equal(
            ["id", "state", "template", "requester", "namespaces", "duration", "reason", "ticket", "required_approvals", "approvals", "activated_at", "expires_at"],
            elevation.EnumerateObject().Select(p => p.Name));
        Assert.Equal(HostileNotifications.Requester, elevation.GetProperty("requester").GetString());
        Assert.Equal(HostileNotifications.Template, elevation.GetProperty("template").GetString());
        Assert.Equal([HostileNotifications.Namespace, "payments"], elevation.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(HostileNotifications.Duration, elevation.GetProperty("duration").GetString());
        Assert.Equal(HostileNotifications.Reason, elevation.GetProperty("reason").GetString());
        Assert.Equal(HostileNotifications.Ticket, elevation.GetProperty("ticket").GetString());
    }

    [Fact]
    public void Very_long_user_text_is_sent_whole()
    {
        var reason = new string('x', 30_000) + "\n**approved**";
        var notification = SampleNotifications.Requested with { Elevation = SampleNotifications.Pending with { Reason = reason } };

        using var body = JsonDocument.Parse(JsonFormatter.Format(notification));

        Assert.Equal(reason, body.RootElement.GetProperty("elevation").GetProperty("reason").GetString());
    }
}
