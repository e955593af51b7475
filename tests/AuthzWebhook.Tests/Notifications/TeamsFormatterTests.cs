using System.Text;
using System.Text.Json;
using AuthzWebhook.Notifications;

namespace AuthzWebhook.Tests.Notifications;

/// <summary>Teams Workflows webhook bodies: one Adaptive Card 1.4 with a title, our status, the details, and a button when linked.</summary>
public sealed class TeamsFormatterTests
{
    [Fact]
    public void An_activation_becomes_an_adaptive_card_with_title_status_details_and_a_button()
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
                          {
                            "type": "RichTextBlock",
                            "id": "title",
                            "inlines": [
                              { "type": "TextRun", "text": "pod-debug", "size": "Medium" },
                              { "type": "TextRun", "text": " for ", "size": "Medium", "weight": "Bolder" },
                              { "type": "TextRun", "text": "alice", "size": "Medium" },
                              { "type": "TextRun", "text": " in ", "size": "Medium", "weight": "Bolder" },
                              { "type": "TextRun", "text": "payments", "size": "Medium" },
                              { "type": "TextRun", "text": " (", "size": "Medium", "weight": "Bolder" },
                              { "type": "TextRun", "text": "INC-4711", "size": "Medium" },
                              { "type": "TextRun", "text": ") is active until 2026-11-27 14:37 UTC", "size": "Medium", "weight": "Bolder" }
                            ]
                          },
                          {
                            "type": "Container",
                            "id": "status",
                            "items": [
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Event", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "activated" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "State", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "active" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Approvals", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "2 of 2" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Expires", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "2026-11-27 14:37 UTC" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Elevation", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "0193a4c2-7d1e-7000-8000-000000004711" } ] } ] } ] }
                            ]
                          },
                          {
                            "type": "Container",
                            "id": "details",
                            "separator": true,
                            "items": [
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "By", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "carol" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Requester", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "alice" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Template", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "pod-debug" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Namespaces", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "payments" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Duration", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "PT30M" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Ticket", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "INC-4711" } ] } ] } ] },
                              { "type": "ColumnSet", "spacing": "Small", "columns": [ { "type": "Column", "width": "100px", "items": [ { "type": "TextBlock", "text": "Reason", "weight": "Bolder", "wrap": true } ] }, { "type": "Column", "width": "stretch", "items": [ { "type": "RichTextBlock", "inlines": [ { "type": "TextRun", "text": "debugging a stuck payout" } ] } ] } ] }
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
        Assert.Equal(["Event", "State", "Elevation"], Titles(card.GetProperty("body")[1]));
        Assert.Equal(["By", "Requester", "Template", "Namespaces", "Duration", "Reason", "Comment"], Titles(card.GetProperty("body")[2]));
    }

    private static string[] Titles(JsonElement container) =>
        [.. container.GetProperty("items").EnumerateArray().Select(row => row.GetProperty("columns")[0].GetProperty("items")[0].GetProperty("text").GetString()!)];
}
