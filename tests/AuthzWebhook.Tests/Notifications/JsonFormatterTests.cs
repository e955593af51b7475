using System.Text;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>Plain JSON receivers get the event exactly as <see cref="NotificationEvent"/> defines it.</summary>
public sealed class JsonFormatterTests
{
    [Fact]
    public void The_event_is_sent_with_its_wire_names_and_nulls_written_out()
    {
        var body = Encoding.UTF8.GetString(JsonFormatter.Format(SampleNotifications.Requested));

        Assert.Equal(
            """{"event":"requested","time":"2026-11-27T14:00:00.000000Z","actor":"alice","comment":null,"elevation":{"id":"0193a4c2-7d1e-7000-8000-000000004711","state":"pending","template":"pod-debug","requester":"alice","namespaces":["payments"],"duration":"PT30M","reason":"debugging a stuck payout","ticket":"INC-4711","required_approvals":2,"approvals":0,"activated_at":null,"expires_at":null}}""",
            body);
    }

    [Fact]
    public void Every_format_renders_through_one_entry_point_whatever_the_case_of_its_name()
    {
        var notification = SampleNotifications.Revoked;

        Assert.Equal(SlackFormatter.Format(notification, null), NotificationFormats.Render("Slack", notification, null));
        Assert.Equal(TeamsFormatter.Format(notification, null), NotificationFormats.Render("teams", notification, null));
        Assert.Equal(JsonFormatter.Format(notification), NotificationFormats.Render("JSON", notification, null));
    }
}
