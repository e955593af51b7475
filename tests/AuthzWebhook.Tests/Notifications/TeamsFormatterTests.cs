using System.Text;
using System.Text.Json;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>Teams Workflows webhook bodies: one Adaptive Card 1.4 with a title, the facts, and a button when linked.</summary>
public sealed class TeamsFormatterTests
{
    [Fact]
    public void An_activation_becomes_an_adaptive_card_with_title_facts_and_a_button()
    {
        var body = Encoding.UTF8.GetString(TeamsFormatter.Format(SampleNotifications.Activated, SampleNotifications.ElevationLink));

        Assert.Equal(
            SampleNotifications.Compact(
                """
                {
                  "type": "message",
                  "attachments": [
                    {
                      "contentType": "application/vnd.microsoft.card.adaptive",
                      "contentUrl": null,
                      "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [
                          { "type": "TextBlock", "text": "pod-debug for alice in payments (INC-4711) is active until 2026-11-27 14:37 UTC", "wrap": true, "weight": "Bolder", "size": "Medium" },
                          {
                            "type": "FactSet",
                            "facts": [
                              { "title": "Event", "value": "activated" },
                              { "title": "By", "value": "carol" },
                              { "title": "Requester", "value": "alice" },
                              { "title": "Template", "value": "pod-debug" },
                              { "title": "Namespaces", "value": "payments" },
                              { "title": "Duration", "value": "PT30M" },
                              { "title": "Ticket", "value": "INC-4711" },
                              { "title": "Reason", "value": "debugging a stuck payout" },
                              { "title": "State", "value": "active" },
                              { "title": "Approvals", "value": "2 of 2" },
                              { "title": "Expires", "value": "2026-11-27 14:37 UTC" },
                              { "title": "Elevation", "value": "0193a4c2-7d1e-7000-8000-000000004711" }
                            ]
                          }
                        ],
                        "actions": [
                          { "type": "Action.OpenUrl", "title": "Open elevation", "url": "https://authz.example.com/elevations/0193a4c2-7d1e-7000-8000-000000004711" }
                        ]
                      }
                    }
                  ]
                }
                """),
            body);
    }

    [Fact]
    public void Missing_values_leave_out_their_facts_and_no_link_leaves_out_the_button()
    {
        var notification = SampleNotifications.Revoked with
        {
            Elevation = SampleNotifications.Pending with { Ticket = null, RequiredApprovals = 0, State = "revoked" },
        };

        using var body = JsonDocument.Parse(TeamsFormatter.Format(notification, link: null));

        var card = body.RootElement.GetProperty("attachments")[0].GetProperty("content");
        Assert.False(card.TryGetProperty("actions", out _));
        var titles = card.GetProperty("body")[1].GetProperty("facts").EnumerateArray().Select(f => f.GetProperty("title").GetString()!).ToArray();
        Assert.Equal(["Event", "By", "Requester", "Template", "Namespaces", "Duration", "Reason", "Comment", "State", "Elevation"], titles);
    }
}
